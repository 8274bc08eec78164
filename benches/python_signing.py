"""Time per signed request in the official Python SDKs' own signers, for comparison with `cargo bench --bench signing`.

Run with the pinned SDKs installed (see tests/vectors/requirements.txt), e.g. via benches/python_signing.sh.
"""

import time
import timeit

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from tencentcloud.common.sign import Sign

creds = BasicCredentials("HPUAEXAMPLEAK0000001", "hwExampleSecretKey0000000000000000000001", "0123456789abcdef0123456789abcdef")
signer = Signer(creds)
path = "/v2/kafka/0123456789abcdef0123456789abcdef/instances/5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b/groups/billing/reset-message-offset"
body = b'{"message_offset":1200,"partition":3,"topic":"orders"}'


def huawei():
    req = SdkRequest(method="PUT", schema="https", host="dms.cn-north-4.myhuaweicloud.com", resource_path=path,
                     query_params=[], body=body,
                     header_params={"Content-Type": "application/json", "User-Agent": "offsetdeck/0.1.0",
                                    "X-Project-Id": "0123456789abcdef0123456789abcdef",
                                    "X-Sdk-Date": "20250102T030405Z"})
    signer.sign(req)


def tencent():
    # What AbstractClient._get_tc3_signature does per request: canonical request, hashes, key derivation, HMAC.
    import hashlib
    payload = b'{"InstanceId":"ckafka-abc123","Group":"etl","Strategy":2,"Topics":["clicks"],"Offset":4200}'
    canonical = "POST\n/\n\ncontent-type:application/json\nhost:ckafka.tencentcloudapi.com\n\ncontent-type;host\n" + hashlib.sha256(payload).hexdigest()
    sts = "TC3-HMAC-SHA256\n1735787045\n2025-01-02/ckafka/tc3_request\n" + hashlib.sha256(canonical.encode()).hexdigest()
    Sign.sign_tc3("exampleSecretKey00000000000000001", "2025-01-02", "ckafka", sts)


for name, fn in (("huawei", huawei), ("tencent", tencent)):
    runs = [min(timeit.repeat(fn, number=2000, repeat=5)) / 2000 for _ in range(3)]
    print(f"python {name}: {sorted(runs)[1] * 1e6:.2f} us per signed request (median of 3, best of 5 x 2000)")
