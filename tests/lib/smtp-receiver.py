#!/usr/bin/python3
"""A local SMTP receiver for the notification tests (tests/lib/receivers.js starts it):
aiosmtpd on 127.0.0.1:PORT without TLS, writing each received message as one JSON line
{"mail_from", "rcpt_tos", "data"} to FILE, and printing "ready PORT" once listening."""
import json
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        line = json.dumps({
            'mail_from': envelope.mail_from,
            'rcpt_tos': envelope.rcpt_tos,
            'data': envelope.content.decode('utf-8', 'replace'),
        })
        with self.lock, open(self.path, 'a', encoding='utf-8') as f:
            f.write(line + '\n')
        return '250 Message accepted for delivery'


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Handler(path), hostname='127.0.0.1', port=port)
    controller.start()
    print(f'ready {port}', flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
