"""Are the kernel's lock waiters served in order? N processes take one blocking lock (F_OFD_SETLKW on one
byte, the simplest queue one could build) for 0.3 ms of work, as fast as they can, for a few seconds,
with two CPU-bound processes beside them. Prints the wait per acquisition (p50, p99, max) and how
unevenly the acquisitions were shared. It is why zts's write queue hands out numbered turns instead
(docs/write-queue.md). Linux only.
Run: python3 examples/kernel_lock_fairness.py [writers=16] [seconds=5]"""
import fcntl
import multiprocessing
import os
import struct
import sys
import tempfile
import time

F_OFD_SETLKW = 38


def lock(fd, kind):
    fcntl.fcntl(fd, F_OFD_SETLKW, struct.pack("hhqqi4x", kind, os.SEEK_SET, 0, 1, 0))


def writer(path, until, queue):
    fd = os.open(path, os.O_RDWR)
    waits = []
    while time.time() < until:
        asked = time.perf_counter()
        lock(fd, fcntl.F_WRLCK)
        waits.append(time.perf_counter() - asked)
        busy = time.perf_counter() + 0.0003
        while time.perf_counter() < busy:
            pass
        lock(fd, fcntl.F_UNLCK)
    queue.put(waits)


def hog():
    while True:
        pass


def main():
    writers = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    path = tempfile.mktemp(prefix="zts-kernel-lock-")
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    hogs = [multiprocessing.Process(target=hog, daemon=True) for _ in range(2)]
    for h in hogs:
        h.start()
    queue = multiprocessing.Queue()
    until = time.time() + seconds
    procs = [multiprocessing.Process(target=writer, args=(path, until, queue)) for _ in range(writers)]
    for p in procs:
        p.start()
    per_writer = [queue.get() for _ in procs]
    for p in procs + hogs:
        p.terminate() if p in hogs else p.join()
    os.unlink(path)
    waits = sorted(w * 1000 for ws in per_writer for w in ws)
    counts = sorted(len(ws) for ws in per_writer)
    p50 = waits[len(waits) // 2]
    print("%d writers, one F_OFD_SETLKW lock, 0.3 ms held, 2 CPU hogs, %.0f s" % (writers, seconds))
    print("acquisitions: %d; per writer: fewest %d, most %d" % (len(waits), counts[0], counts[-1]))
    print("wait ms: p50 %.3f, p99 %.1f, max %.1f; max / (p50 x writers) = %.0f"
          % (p50, waits[int(len(waits) * 0.99)], waits[-1], waits[-1] / (p50 * writers)))


if __name__ == "__main__":
    main()
