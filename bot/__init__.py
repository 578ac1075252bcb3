"""Telegram adapter for the 讲话问答 retriever: `qabot serve`."""
