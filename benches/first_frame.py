"""Exec to first complete frame of the dashboard in an 80x24 pseudo-terminal, and peak RSS at that moment.

Usage (after `cargo build --release`): python3 benches/first_frame.py [LARGE_PROFILE]
The large profile is generated to /tmp/offsetdeck-large.toml when not given (20 instances x 100 groups x 10 topics x
5 partitions = 100,000 group partitions).
"""
import os, pty, select, statistics, subprocess, sys, time, signal
def first_frame(args, marker):
    pid, fd = pty.fork()
    if pid == 0:
        import fcntl, struct, termios
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(args[0], args)
    t0 = time.perf_counter(); buf = b""; t = None
    while time.perf_counter() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: buf += os.read(fd, 65536)
            except OSError: break
            if marker in buf and b"\x1b[?1049h" in buf:
                t = (time.perf_counter() - t0) * 1000; break
    rss = 0
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM"): rss = int(line.split()[1])
    except OSError: pass
    os.kill(pid, signal.SIGTERM); os.waitpid(pid, 0)
    return t, rss
def large_profile(path):
    s = '[huawei.big]\nregion = "cn-north-4"\nproject_id = "0123456789abcdef0123456789abcdef"\n'
    for i in range(20):
        s += f'\n[huawei.big.instances.inst-{i:02}]\nid = "id-{i}"\ntopics = {{ ' + ", ".join(f"topic-{t} = 5" for t in range(10)) + " }\ngroups = { "
        topics = ", ".join(f'"topic-{t}"' for t in range(10))
        s += ", ".join(f"group-{g:03} = [{topics}]" for g in range(100)) + " }\n"
    open(path, "w").write(s)
    return path

large = sys.argv[1] if len(sys.argv) > 1 else large_profile("/tmp/offsetdeck-large.toml")
for name, args, marker in [("demo", ["target/release/offsetdeck", "--demo"], b"Huawei DMS"),
                           ("large profile", ["target/release/offsetdeck", "--profile", large], b"inst-00")]:
    runs = [first_frame(args, marker) for _ in range(9)]
    ts = [r[0] for r in runs if r[0] is not None]
    print(f"{name}: exec to first frame median {statistics.median(ts):.1f} ms (min {min(ts):.1f}, max {max(ts):.1f}); VmHWM at first frame {max(r[1] for r in runs)/1024:.1f} MB")
