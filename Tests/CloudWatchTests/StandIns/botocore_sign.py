#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth for the signing tests.

Reads a JSON list of cases on stdin; each case has method, url, params (a list of
[name, value]), headers (a list of [name, value]), body (text), access_key, secret_key,
token (or null), region, service and time (YYYYMMDDTHHMMSSZ). Writes a JSON list of
{authorization, canonical_request, x_amz_date, x_amz_security_token} on stdout.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    moment = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: moment
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        headers=dict(case["headers"]),
        data=case["body"].encode("utf-8"),
        params=dict(case["params"]) if case["params"] else None,
    )
    credentials = Credentials(case["access_key"], case["secret_key"], case.get("token"))
    signer = botocore.auth.SigV4Auth(credentials, case["service"], case["region"])
    signer.add_auth(request)
    authorization = request.headers["Authorization"]
    del request.headers["Authorization"]
    return {
        "authorization": authorization,
        "canonical_request": signer.canonical_request(request),
        "x_amz_date": request.headers["X-Amz-Date"],
        "x_amz_security_token": request.headers.get("X-Amz-Security-Token"),
    }


json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)
