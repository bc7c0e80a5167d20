"""Interchange formats (vCard, vdir, LinkedIn, CSV). Readers turn files into domain objects plus an
ImportReport of problems; they never touch the database."""
