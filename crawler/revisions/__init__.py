"""Pure code for re-checking stored articles: what counts as a revision, and the schedule."""
