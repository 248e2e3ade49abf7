"""emulator/defender"""
