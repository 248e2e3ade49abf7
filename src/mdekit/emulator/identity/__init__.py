"""emulator/identity"""
