"""Pure domain: value objects, errors, normalisation and networking rules. No Qt, no SQL."""
