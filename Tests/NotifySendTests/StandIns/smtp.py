# Tollgate — NotifySend tests: a real SMTP server (aiosmtpd) that keeps what it receives.
# usage: smtp.py OUT_DIR [--starttls CERT KEY] [--smtps CERT KEY] [--auth USER PASSWORD]
# Listens on 127.0.0.1 (a free port, written to OUT_DIR/port). Each message is written to
# OUT_DIR/mail-<n>.eml, its envelope to OUT_DIR/mail-<n>.json (from, recipients, TLS, login).
# A recipient whose local part is `reject` gets 550, `busy` gets 451.
import argparse, json, os, signal, socket, ssl, sys, itertools
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--starttls", nargs=2)
parser.add_argument("--smtps", nargs=2)
parser.add_argument("--auth", nargs=2)
args = parser.parse_args()
counter = itertools.count()

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local == "reject": return "550 5.1.1 no such user"
        if local == "busy": return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        with open(os.path.join(args.out, f"mail-{n}.eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        tls = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
        record = {"from": envelope.mail_from, "recipients": envelope.rcpt_tos, "tls": tls, "login": login,
                  "authenticated": session.authenticated}
        with open(os.path.join(args.out, f".mail-{n}.tmp"), "w") as f:
            json.dump(record, f)
        os.rename(os.path.join(args.out, f".mail-{n}.tmp"), os.path.join(args.out, f"mail-{n}.json"))
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and args.auth:
        ok = auth_data.login.decode() == args.auth[0] and auth_data.password.decode() == args.auth[1]
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return AuthResult(success=False, handled=False)

def context(pair):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(pair[0], pair[1])
    return ctx

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
options = {}
if args.starttls:
    options.update(tls_context=context(args.starttls), require_starttls=True)
if args.auth:
    options.update(authenticator=authenticator, auth_require_tls=False)
if args.smtps:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ssl_context=context(args.smtps), **options)
else:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, **options)
controller.start()
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
with open(os.path.join(args.out, ".port"), "w") as f:
    f.write(str(port))
os.rename(os.path.join(args.out, ".port"), os.path.join(args.out, "port"))
signal.pause()
