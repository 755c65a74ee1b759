"""What an instructor runs on the course itself: the build of learners' notebooks, executing them, the doctor."""
