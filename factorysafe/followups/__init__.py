"""Follow-up scheduling: each factory's next follow-up date and engineer, and the items a follow-up checks."""
