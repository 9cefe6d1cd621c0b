"""In-app notifications: the list, read/unread, the mentors' digest and the red-status alert."""
