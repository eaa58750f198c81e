"""What one password hash costs with Django's default hasher (PBKDF2-SHA256 at this Django
version's default iterations), as the peer's logins pay it. Prints JSON.

usage: /usr/bin/python3 hash_cost.py [COUNT]
"""
import json
import sys
import time

import django
from django.conf import settings

settings.configure()  # Django's defaults: PASSWORD_HASHERS starts with PBKDF2PasswordHasher
django.setup()

from django.contrib.auth.hashers import get_hasher  # noqa: E402

count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
hasher = get_hasher("default")
encoded = hasher.encode("warm-up-password-1", hasher.salt())
started = time.perf_counter()
for _ in range(count):
    assert hasher.verify("warm-up-password-1", encoded)
elapsed = time.perf_counter() - started
print(json.dumps({"algorithm": hasher.algorithm, "iterations": hasher.iterations,
                  "ms_per_hash": elapsed * 1000 / count}))
