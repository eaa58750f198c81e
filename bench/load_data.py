"""Prepares one stack for the benchmark over its public API: a user with N posts, a fresh
access token, and refresh tokens for the refresh benchmark (one login each). Prints JSON.

usage: load_data.py BASE_URL USERNAME PASSWORD POSTS|- REFRESH_TOKENS TOKENS_FILE
  (POSTS "-": only new refresh tokens, for another refresh run)
"""
import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def call(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def write_refresh_tokens(login, count, tokens_file):
    with ThreadPoolExecutor(max_workers=8) as pool:
        refresh = [pair["refresh"] for pair in pool.map(login, range(count))]
    with open(tokens_file, "w") as out:
        out.write("\n".join(refresh) + "\n")


def main():
    base, username, password, posts, refresh_count, tokens_file = sys.argv[1:7]
    status, body = call(base, "POST", "/api/register/",
                        {"username": username, "email": username + "@example.com", "password": password})
    if status not in (200, 201, 400):
        sys.exit(f"register: {status} {body}")

    def login(_=None):
        status, body = call(base, "POST", "/api/token/", {"username": username, "password": password})
        if status != 200:
            sys.exit(f"login: {status} {body}")
        return body

    tokens = login()
    if posts == "-":  # refresh tokens only
        write_refresh_tokens(login, int(refresh_count), tokens_file)
        return
    _, existing = call(base, "GET", "/api/posts/", token=tokens["access"])
    for i in range(len(existing), int(posts)):
        status, body = call(base, "POST", "/api/posts/",
                            {"title": f"post {i}", "content": "benchmark post " * 8}, tokens["access"])
        if status != 201:
            sys.exit(f"create post: {status} {body}")
    _, listed = call(base, "GET", "/api/posts/", token=tokens["access"])
    write_refresh_tokens(login, int(refresh_count), tokens_file)
    print(json.dumps({"access": tokens["access"], "post_id": listed[0]["id"], "posts": len(listed)}))


if __name__ == "__main__":
    main()
