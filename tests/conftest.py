import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
# The audience model reads emotions with the fast lexicon unless a test asks for the model.
os.environ.setdefault("DRAMA_EMOTION", "lexicon")
