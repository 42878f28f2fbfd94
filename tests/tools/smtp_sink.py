#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd) on 127.0.0.1.

Usage: smtp_sink.py DIR

Listens on a free port of 127.0.0.1 and prints "listening 127.0.0.1:PORT"
once it accepts connections. Each message it accepts is parsed with
Python's email package (so MIME and RFC 2047 encoding are checked by a
parser that is not ours) and written, complete, as DIR/NNNN.txt:

    Message-ID: ...
    From: ...
    To: ...
    Rcpt: the envelope recipients, comma-separated
    Subject: the decoded subject

    the decoded body
"""
import asyncio
import email
import email.policy
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        self.count += 1
        text = "".join([
            f"Message-ID: {message['Message-ID']}\n",
            f"From: {message['From']}\n",
            f"To: {message['To']}\n",
            f"Rcpt: {', '.join(envelope.rcpt_tos)}\n",
            f"Subject: {message['Subject']}\n",
            "\n",
            body,
        ])
        path = os.path.join(self.directory, f"{self.count:04d}.txt")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            out.write(text)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


async def main(directory):
    sink = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, enable_SMTPUTF8=True),
                                      "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
