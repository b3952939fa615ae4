#!/usr/bin/env python3
"""Runs jm-report --watch on a pseudo-terminal of 100 x 30 and checks it draws like top: on the
alternate screen, each frame from the top left and cut to the terminal's height, and back on the
normal screen at the end with the last frame."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

data = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execvp('jm-report', ['jm-report', '--watch', '300ms', '--color', 'never', data])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
out, start, stopped = b'', time.time(), False
while True:
    if not stopped and time.time() - start > 2.5:
        os.kill(pid, signal.SIGTERM)
        stopped = True
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    elif stopped and os.waitpid(pid, os.WNOHANG)[0]:
        break
os.waitpid(pid, 0) if not stopped else None
text = out.decode('utf-8', 'replace')
problems = []
enter, leave = text.find('\x1b[?1049h'), text.find('\x1b[?1049l')
if enter != 0:
    problems.append('does not start on the alternate screen')
if leave < 0:
    problems.append('does not go back to the normal screen')
frames = text[enter + 8:leave].split('\x1b[H')[1:]
if len(frames) < 2:
    problems.append(f'{len(frames)} frames in 2.5 s at 300ms')
for i, f in enumerate(frames):
    lines = f.replace('\x1b[J', '').split('\n')
    if len(lines) - 1 > 29:
        problems.append(f'frame {i} has {len(lines) - 1} lines on a 30-line terminal')
    if not f.startswith('libjobmatch report'):
        problems.append(f'frame {i} does not start at the top left')
    if '\x1b[2J' in f:
        problems.append(f'frame {i} clears the whole screen (it flickers)')
after = text[leave + 8:]
if 'Key metrics' not in after or 'Most recent applications' not in after:
    problems.append('the last frame is not left on the normal screen')
print('\n'.join(problems) if problems else 'draws in place on the alternate screen, fitted to the terminal')
