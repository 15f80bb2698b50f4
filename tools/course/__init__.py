"""course: tools that turn the reference kernel into a course kit."""
