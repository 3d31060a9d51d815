// The newsroom's scripts; every page works without them.
