"""Test PKI for the Workfront test server, made with the openssl CLI.

Files in the certs directory (created only when one is missing):
  ca.pem / ca.key            test CA (basicConstraints CA:TRUE, keyCertSign)
  server.pem / server.key    valid: localhost, 127.0.0.1, ::1
  wronghost.pem / .key       signed by the test CA, only DNS:wrong.example.invalid
  expired.pem / .key         signed by the test CA, right names, valid 2020-2021
  othca.pem / othca.key      a second CA that signed nothing we serve
  jwt.key / jwt.pub          RSA key pair the JWT exchange verifies against
  other.key / other.pub      a different RSA key pair (negative JWT tests)

Why the SAN also lists DNS:127.0.0.1: mbedTLS 2.28 matches the expected
hostname only against dNSName entries (IP-address SANs are supported from
mbedTLS 3.x on), so a client connecting to "127.0.0.1" needs that string
as a DNS name; OpenSSL and mbedTLS 3.x use the IP entry instead.

All keys are RSA 2048 and all signatures SHA-256, which every mbedTLS 2.28
build verifies.  Generation takes a second or two and happens only once per
directory; a lock file keeps two servers starting at once from racing.
"""

import fcntl
import os
import shutil
import subprocess
import tempfile

FILES = ["ca.pem", "ca.key", "server.pem", "server.key", "wronghost.pem",
         "wronghost.key", "expired.pem", "expired.key", "othca.pem",
         "othca.key", "jwt.key", "jwt.pub", "other.key", "other.pub"]

# One config for everything: req needs a DN section; the extension sections
# are picked with -extensions; the [ca] part is only for the expired cert
# (the only way OpenSSL 3.0 sets a validity period in the past).
_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, DNS:127.0.0.1, IP:127.0.0.1, IP:::1
[ v3_wronghost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:wrong.example.invalid
[ ca ]
default_ca = testca
[ testca ]
dir = {work}
database = {work}/index.txt
new_certs_dir = {work}
serial = {work}/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
"""


def _run(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], r.stderr.decode(errors="replace")))


def paths(certs_dir):
    return {name: os.path.join(certs_dir, name) for name in FILES}


def ensure_certs(certs_dir):
    """Make sure every file exists in certs_dir; returns {name: path}."""
    certs_dir = os.path.abspath(certs_dir)
    os.makedirs(certs_dir, exist_ok=True)
    p = paths(certs_dir)
    if all(os.path.isfile(f) for f in p.values()):
        return p
    with open(os.path.join(certs_dir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all(os.path.isfile(f) for f in p.values()):
            _generate(certs_dir)
    return p


def _generate(certs_dir):
    # Everything is regenerated together so the CA and its leaves match.
    work = tempfile.mkdtemp(prefix="wfcerts-")
    try:
        cfg = os.path.join(work, "openssl.cnf")
        with open(cfg, "w") as f:
            f.write(_CONFIG.replace("{work}", work))
        open(os.path.join(work, "index.txt"), "w").close()
        with open(os.path.join(work, "serial"), "w") as f:
            f.write("1000\n")

        def rsa_key(name):
            _run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                  "-out", name], work)

        def self_signed_ca(stem, cn):
            rsa_key(stem + ".key")
            _run(["req", "-config", cfg, "-new", "-x509", "-key", stem + ".key",
                  "-sha256", "-days", "3650", "-subj", "/CN=" + cn, "-extensions", "v3_ca",
                  "-set_serial", "1", "-out", stem + ".pem"], work)

        def csr(stem, cn):
            rsa_key(stem + ".key")
            _run(["req", "-config", cfg, "-new", "-key", stem + ".key", "-subj", "/CN=" + cn,
                  "-out", stem + ".csr"], work)

        def sign(stem, ext, serial):
            _run(["x509", "-req", "-in", stem + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                  "-set_serial", str(serial), "-days", "825", "-sha256", "-extfile", cfg,
                  "-extensions", ext, "-out", stem + ".pem"], work)

        self_signed_ca("ca", "Workfront Test CA")
        self_signed_ca("othca", "Some Other Test CA")
        csr("server", "localhost")
        sign("server", "v3_server", 2)
        csr("wronghost", "wrong.example.invalid")
        sign("wronghost", "v3_wronghost", 3)
        csr("expired", "localhost")
        _run(["ca", "-config", cfg, "-batch", "-notext", "-cert", "ca.pem", "-keyfile", "ca.key",
              "-startdate", "20200101000000Z", "-enddate", "20210101000000Z",
              "-extensions", "v3_server", "-extfile", cfg, "-in", "expired.csr",
              "-out", "expired.pem"], work)
        for stem in ("jwt", "other"):
            rsa_key(stem + ".key")
            _run(["pkey", "-in", stem + ".key", "-pubout", "-out", stem + ".pub"], work)

        # Install: keys first, ca.pem last, each by rename so a reader never
        # sees a half-written file.
        for name in sorted(FILES, key=lambda n: n == "ca.pem"):
            tmp = os.path.join(certs_dir, "." + name + ".tmp")
            shutil.copyfile(os.path.join(work, name), tmp)
            if name.endswith(".key"):
                os.chmod(tmp, 0o600)
            os.replace(tmp, os.path.join(certs_dir, name))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import sys
    for k, v in ensure_certs(sys.argv[1] if len(sys.argv) > 1 else "build/certs").items():
        print(k, v)
