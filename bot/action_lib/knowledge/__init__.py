"""The knowledge base: content files, retrieval, answers per channel, feedback."""
