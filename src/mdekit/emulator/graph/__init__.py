"""emulator/graph"""
