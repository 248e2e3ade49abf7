"""emulator/store"""
