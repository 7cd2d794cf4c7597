"""A pool of worker processes, each job under a deadline after which its worker is killed."""
