"""Students, mentors (foremen), employer representatives and coordinators."""
