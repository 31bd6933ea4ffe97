"""Tencent Live adapters: the Live API over the SDK (the use cases' LiveApi port), the shared
rate limit and retries in front of it, and the callbacks' wire format and signature."""
