"""The working calendar of placements: absences, learning breaks and the groups' dual schedule."""
