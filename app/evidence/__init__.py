"""Evidence on a diary entry: the trainee's photos of the work and PDFs, seen in the review."""
