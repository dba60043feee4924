"""Knowledge search: markdown documents in knowledge/, embedded into a faiss index."""
