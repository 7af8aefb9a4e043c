"""Personal data kept only as long as it serves: the retention command and erasing an account."""
