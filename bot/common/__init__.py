"""What two or more processes import: settings, clock, logs, identifiers, wording."""
