"""Writers: a whole city, its areas, posko, roads and history, into the caller's transaction."""
