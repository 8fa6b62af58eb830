"""Learning: drawing and scoring quizzes, attempts, and the completion rules of progress."""
