"""Tests of the Tencent Live API emulator, driven through the real SDK."""
