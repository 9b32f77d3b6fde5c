#!/usr/bin/python3
"""Accounts scenario driven by matrix-nio (Debian's python3-matrix-nio 0.20), a real client
library: register, log in, whoami, set the display name, log out. Prints one line per step
and 'N passed, M failed'. Usage: nio_accounts.py BASE_URL"""
import asyncio
import secrets
import sys

from nio import (AsyncClient, LoginResponse, LogoutResponse, ProfileGetDisplayNameResponse,
                 ProfileSetDisplayNameResponse, RegisterResponse)
from nio.api import Api
from steps import finish, step


async def whoami(client):
    # nio 0.20 has no whoami helper; call it through its own request machinery.
    method, path = "GET", Api._build_path(["account", "whoami"], {"access_token": client.access_token})
    resp = await client.send(method, path)
    return resp.status, await resp.json()


async def main(base_url):
    user = "nio_" + secrets.token_hex(4)
    password = "correct horse " + secrets.token_hex(4)

    client = AsyncClient(base_url, user)
    resp = await client.register(user, password, device_name="nio conformance")
    step("register", isinstance(resp, RegisterResponse), repr(resp))
    await client.close()

    client = AsyncClient(base_url, user)
    resp = await client.login(password, device_name="second device")
    step("login", isinstance(resp, LoginResponse), repr(resp))
    step("login returns a device id", isinstance(resp, LoginResponse) and bool(resp.device_id), repr(resp))

    status, body = await whoami(client)
    step("whoami", status == 200 and body.get("user_id") == client.user_id, f"{status} {body}")

    resp = await client.set_displayname("Nio Tester ✓")
    step("set display name", isinstance(resp, ProfileSetDisplayNameResponse), repr(resp))
    resp = await client.get_displayname()
    step("get display name", isinstance(resp, ProfileGetDisplayNameResponse)
         and resp.displayname == "Nio Tester ✓", repr(resp))

    resp = await client.login("wrong password")
    step("wrong password refused", not isinstance(resp, LoginResponse), repr(resp))

    resp = await client.logout()
    step("logout", isinstance(resp, LogoutResponse), repr(resp))
    status, body = await whoami(client)
    step("token dead after logout", status == 401 and body.get("errcode") == "M_UNKNOWN_TOKEN",
         f"{status} {body}")
    await client.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
    finish()
