"""emulator/control"""
