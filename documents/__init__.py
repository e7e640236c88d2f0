"""Documents as files: what a file is (checks), where its bytes live (storage), how a
request streams them in (staging), and how a page of one is shown (preview)."""
