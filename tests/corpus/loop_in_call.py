def rms_norm(x, weight, eps=1e-5):
    while True:
        pass
