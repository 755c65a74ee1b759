"""Process set-up every kernel of the course gets on `import course`: TensorFlow quiet, its threads sized to the CPUs."""
