"""Recording use cases and the rules Tencent applies to a recording window."""
