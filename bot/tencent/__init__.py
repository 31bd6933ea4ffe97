"""Tencent Live: the LiveApi port, error catalogue, and the local emulator."""
