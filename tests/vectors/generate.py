"""Signing test vectors from the official SDKs' own code, at fixed times.

Nothing here re-implements signing. The SDK clients build and sign each request as they always do; this script only
pins the clock, records the canonical request and string-to-sign the SDK computed (by wrapping the SDK's own functions),
and captures the request at the `requests` layer instead of sending it.
"""

import datetime as _dt
import hashlib as _hashlib
import json
import sys
import types

import requests

CAPTURED = []


def fake_request(self, method, url, **kw):
    CAPTURED.append({"method": method.upper(), "url": url, "headers": dict(kw.get("headers") or {}), "data": kw.get("data")})
    resp = requests.Response()
    resp.status_code = 200
    resp.headers["Content-Type"] = "application/json"
    resp.headers["X-Request-Id"] = "vector"
    resp._content = b'{"Response": {"RequestId": "vector"}}'
    resp.url = url
    resp.request = requests.PreparedRequest()
    resp.request.method = method
    return resp


requests.Session.request = fake_request


def body_text(data):
    if data is None:
        return ""
    return data.decode("utf-8") if isinstance(data, bytes) else data


# ---------------------------------------------------------------------------------------------------------------- Huawei
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402
from huaweicloudsdkcore.signer import signer as hw_signer  # noqa: E402
from huaweicloudsdkkafka.v2 import KafkaClient  # noqa: E402
from huaweicloudsdkkafka.v2 import model as hw  # noqa: E402

HW_TIME = [_dt.datetime(2025, 1, 2, 3, 4, 5)]


class _FixedDatetime(_dt.datetime):
    @classmethod
    def utcnow(cls):
        return HW_TIME[0]


hw_signer.datetime = _FixedDatetime
HW_SEEN = {}
_orig_canon = hw_signer.Signer._process_canonical_request
_orig_sts = hw_signer.Signer._process_string_to_sign


def _canon(self, request, signed_headers):
    HW_SEEN["input"] = {
        "method": request.method,
        "path": request.resource_path,
        "query_pairs": [[str(k), str(v)] for k, v in request.query_params],
        "headers": [[k, str(v)] for k, v in request.header_params.items()],
        "body": body_text(request.body),
    }
    out = _orig_canon(self, request, signed_headers)
    HW_SEEN["canonical_request"] = out
    return out


def _sts(self, canonical_request, t):
    out = _orig_sts(self, canonical_request, t)
    HW_SEEN["string_to_sign"] = out
    return out


hw_signer.Signer._process_canonical_request = _canon
hw_signer.Signer._process_string_to_sign = _sts

PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b"
KEYS = {"a": ("HPUAEXAMPLEAK0000001", "hwExampleSecretKey0000000000000000000001"),
        "b": ("HPUBOTHERAK000000002", "another/Secret+Key=with~symbols*0002")}


def hw_client(keys="a", token=None, endpoint="https://dms.cn-north-4.myhuaweicloud.com"):
    ak, sk = KEYS[keys]
    creds = BasicCredentials(ak, sk, PROJECT)
    if token:
        creds = creds.with_security_token(token)
    cfg = HttpConfig.get_default_config()
    cfg.user_agent = "offsetdeck-vectors/1.0"
    return KafkaClient.new_builder().with_http_config(cfg).with_credentials(creds).with_endpoints([endpoint]).build(), ak, sk


def hw_vector(name, description, call, keys="a", token=None, endpoint="https://dms.cn-north-4.myhuaweicloud.com",
              when=None):
    HW_TIME[0] = when or _dt.datetime(2025, 1, 2, 3, 4, 5)
    HW_SEEN.clear()
    CAPTURED.clear()
    client, ak, sk = hw_client(keys, token, endpoint)
    try:
        call(client)
    except Exception as e:  # the fake response may not fit the response model; the request was captured anyway
        if not CAPTURED:
            raise
        print(f"  note: {name}: response handling raised {type(e).__name__}", file=sys.stderr)
    sent = CAPTURED[-1]
    inp = HW_SEEN["input"]
    # Headers the SDK had before signing; offsetdeck's signer adds X-Sdk-Date and X-Security-Token itself.
    inp["headers"] = [h for h in inp["headers"] if h[0] not in ("X-Sdk-Date", "X-Security-Token", "Authorization")]
    url = sent["url"]
    return {
        "name": name, "description": description, "ak": ak, "sk": sk, "security_token": token,
        "sdk_date": HW_TIME[0].strftime("%Y%m%dT%H%M%SZ"), "endpoint": endpoint, "request": inp,
        "expected": {
            "canonical_request": HW_SEEN["canonical_request"], "string_to_sign": HW_SEEN["string_to_sign"],
            "authorization": sent["headers"]["Authorization"], "url": url,
            "query": url.split("?", 1)[1] if "?" in url else "",
            "sent_headers": sent["headers"], "sent_body": body_text(sent["data"]),
        },
    }


def hw_raw(client, method, path, query, body=None):
    """A request through the SDK's own pipeline (credentials, headers, signer) for shapes no typed model can make."""
    headers = {"Content-Type": "application/json",
               "User-Agent": "huaweicloud-usdk-python/3.0; offsetdeck-vectors/1.0"}
    sdk_request = SdkRequest(method=method, schema="https", host=client._endpoints[0].split("://", 1)[1],
                             resource_path=path, query_params=query, header_params=headers,
                             body=body.encode() if body else "")
    signed = client._credentials.process_auth_request(sdk_request, client._http_client).result()
    client._http_client.do_request_sync(signed)


def huawei_vectors():
    R = hw.ResetMessageOffsetReq
    v = []
    v.append(hw_vector("reset_offset_to_offset", "PUT reset-message-offset to an offset, one partition",
        lambda c: c.reset_message_offset_with_engine(hw.ResetMessageOffsetWithEngineRequest(
            instance_id=INSTANCE, group="billing", body=R(topic="orders", partition=3, message_offset=1200)))))
    v.append(hw_vector("reset_offset_to_timestamp_token", "reset to a timestamp, all partitions, temporary credentials",
        lambda c: c.reset_message_offset_with_engine(hw.ResetMessageOffsetWithEngineRequest(
            instance_id=INSTANCE, group="billing", body=R(topic="orders", partition=-1, timestamp=1735787045000))),
        token="sts-token-EXAMPLE/with+chars=="))
    v.append(hw_vector("delete_consumer_group_offsets", "POST delete-offset for two topics",
        lambda c: c.delete_consumer_group_offsets(hw.DeleteConsumerGroupOffsetsRequest(
            instance_id=INSTANCE, group="order-service",
            body=hw.DeleteConsumerGroupOffsetsRequestBody(topics=["topic-1", "topic-2"])))))
    v.append(hw_vector("delete_messages_post", "POST .../messages/delete (SDK 3.1.185+)",
        lambda c: c.delete_kafka_topic_messages(hw.DeleteKafkaTopicMessagesRequest(
            instance_id=INSTANCE, topic="orders", body=hw.DeleteKafkaMessageRequestBody(partitions=[
                hw.PartitionOffsetEntity(partition=0, offset=100), hw.PartitionOffsetEntity(partition=2, offset=7)])))))
    v.append(hw_vector("delete_messages_legacy_delete", "legacy DELETE .../messages with a JSON body (seed 001)",
        lambda c: hw_raw(c, "DELETE", f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/topics/orders/messages", [],
                         json.dumps({"partitions": [{"partition": 1, "offset": 50}]}))))
    v.append(hw_vector("list_instances", "list instances, engine=kafka, paged",
        lambda c: c.list_instances(hw.ListInstancesRequest(engine="kafka", offset="0", limit="50"))))
    v.append(hw_vector("list_groups", "list consumer groups with state",
        lambda c: c.list_instance_consumer_groups(hw.ListInstanceConsumerGroupsRequest(
            instance_id=INSTANCE, offset="0", limit="50"))))
    v.append(hw_vector("show_group_detail", "management group detail: members and per-partition offsets",
        lambda c: c.show_groups(hw.ShowGroupsRequest(instance_id=INSTANCE, group="billing"))))
    v.append(hw_vector("show_groups_slash_in_group_name", "a group name with / and % in it",
        lambda c: c.show_groups(hw.ShowGroupsRequest(instance_id=INSTANCE, group="team/a%b"))))
    v.append(hw_vector("group_message_offsets", "per-partition offsets of one topic for a group",
        lambda c: c.list_instance_consumer_group_message_offset(hw.ListInstanceConsumerGroupMessageOffsetRequest(
            engine="kafka", instance_id=INSTANCE, group="billing", topic="orders", offset=0, limit=50))))
    v.append(hw_vector("list_topic_partitions", "a topic's partitions with start and last offsets",
        lambda c: c.list_topic_partitions(hw.ListTopicPartitionsRequest(
            instance_id=INSTANCE, topic="orders", offset=0, limit=100))))
    v.append(hw_vector("list_topics", "list topics",
        lambda c: c.list_instance_topics(hw.ListInstanceTopicsRequest(instance_id=INSTANCE, offset="0", limit="200"))))
    v.append(hw_vector("query_special_characters", "a name filter with space, unicode and + = & ~ / *",
        lambda c: c.list_instances(hw.ListInstancesRequest(engine="kafka", name="a b+c=d&e~f/g*h é😀"))))
    v.append(hw_vector("raw_query_repeated_and_empty", "repeated keys, empty values, raw sort order",
        lambda c: hw_raw(c, "GET", f"/v2/{PROJECT}/instances",
                         [("status", "RUNNING"), ("engine", "kafka"), ("status", "CREATING"), ("name", ""),
                          ("Zed", "1"), ("a b", "x y"), ("ékey", "v"), ("z", "")])))
    v.append(hw_vector("unicode_group_name", "a group name with unicode and spaces",
        lambda c: c.show_groups(hw.ShowGroupsRequest(instance_id=INSTANCE, group="组 billing ü"))))
    v.append(hw_vector("second_key_pair", "delete-offset with another key pair whose SK has symbols",
        lambda c: c.delete_consumer_group_offsets(hw.DeleteConsumerGroupOffsetsRequest(
            instance_id=INSTANCE, group="audit", body=hw.DeleteConsumerGroupOffsetsRequestBody(topics=["orders"]))),
        keys="b"))
    v.append(hw_vector("endpoint_with_port", "the emulator: http and a port, Host carries the port",
        lambda c: c.list_instance_consumer_groups(hw.ListInstanceConsumerGroupsRequest(instance_id=INSTANCE)),
        endpoint="http://127.0.0.1:18080", when=_dt.datetime(2026, 11, 21, 23, 59, 59)))
    v.append(hw_vector("show_group_basics", "group basics",
        lambda c: c.show_group(hw.ShowGroupRequest(instance_id=INSTANCE, group="billing"))))
    return v


# --------------------------------------------------------------------------------------------------------------- Tencent
from tencentcloud.ckafka.v20190819 import ckafka_client  # noqa: E402
from tencentcloud.ckafka.v20190819 import models as ck  # noqa: E402
from tencentcloud.common import abstract_client, credential  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.dts.v20211206 import dts_client  # noqa: E402
from tencentcloud.dts.v20211206 import models as dts  # noqa: E402

TC_TIME = [1735787045]
TC_SEEN = {}
_time_shim = types.SimpleNamespace(time=lambda: TC_TIME[0])


def _sha256(data=b""):
    TC_SEEN.setdefault("hashed", []).append(data)
    return _hashlib.sha256(data)


abstract_client.time = _time_shim
abstract_client.hashlib = types.SimpleNamespace(sha256=_sha256)
from tencentcloud.common import sign as tc_sign  # noqa: E402

_orig_sign_tc3 = tc_sign.Sign.sign_tc3


def _sign_tc3(secret_key, date, service, str2sign):
    TC_SEEN["string_to_sign"] = str2sign
    return _orig_sign_tc3(secret_key, date, service, str2sign)


tc_sign.Sign.sign_tc3 = staticmethod(_sign_tc3)
TC_KEYS = {"a": ("AKIDexampleSecretId000000000000000001", "exampleSecretKey00000000000000001"),
           "b": ("AKIDanotherSecretId00000000000000002", "another+Secret/Key=0002")}


def tc_vector(name, description, service, action, req, keys="a", token=None, endpoint=None, ts=1735787045,
              region="ap-singapore"):
    TC_TIME[0] = ts
    TC_SEEN.clear()
    CAPTURED.clear()
    sid, skey = TC_KEYS[keys]
    cred = credential.Credential(sid, skey, token)
    hp = HttpProfile()
    host = endpoint or f"{service}.tencentcloudapi.com"
    hp.endpoint = host
    hp.scheme = "http" if ":" in host else "https"
    cp = ClientProfile(httpProfile=hp, language="en-US")
    cls = ckafka_client.CkafkaClient if service == "ckafka" else dts_client.DtsClient
    client = cls(cred, region, cp)
    try:
        getattr(client, action)(req)
    except Exception as e:
        if not CAPTURED:
            raise
        print(f"  note: {name}: response handling raised {type(e).__name__}", file=sys.stderr)
    sent = CAPTURED[-1]
    canonical = TC_SEEN["hashed"][-1]
    canonical = canonical.decode("utf-8") if isinstance(canonical, bytes) else canonical
    return {
        "name": name, "description": description, "secret_id": sid, "secret_key": skey, "token": token,
        "service": service, "action": action, "version": client._apiVersion, "region": region, "timestamp": ts,
        "host": host, "params": json.loads(body_text(sent["data"]) or "{}"),
        "request": {"method": sent["method"], "content_type": sent["headers"]["Content-Type"],
                    "payload": body_text(sent["data"])},
        "expected": {"canonical_request": canonical, "string_to_sign": TC_SEEN["string_to_sign"],
                     "authorization": sent["headers"]["Authorization"],
                     "query": sent["url"].split("?", 1)[1] if "?" in sent["url"] else "",
                     "sent_headers": {k: v for k, v in sent["headers"].items() if k != "X-TC-TraceId"}},
    }


def model(cls, **fields):
    m = cls()
    m._deserialize(fields)
    return m


def tencent_vectors():
    v = []
    M = ck.ModifyGroupOffsetsRequest
    v.append(tc_vector("ckafka_modify_shift", "ModifyGroupOffsets strategy 0 shift by -100", "ckafka",
        "ModifyGroupOffsets", model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=0, Topics=["clicks"], Shift=-100)))
    v.append(tc_vector("ckafka_modify_earliest", "strategy 1 with ShiftTimestamp -2 (earliest)", "ckafka",
        "ModifyGroupOffsets", model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=1, Topics=["clicks"],
                                    ShiftTimestamp=-2)))
    v.append(tc_vector("ckafka_modify_to_offset_partitions", "strategy 2 to an offset, chosen partitions", "ckafka",
        "ModifyGroupOffsets", model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=2, Topics=["clicks"],
                                    Offset=4200, Partitions=[0, 3, 5])))
    v.append(tc_vector("ckafka_modify_timestamp_token", "strategy 1 to a time in ms, temporary credentials", "ckafka",
        "ModifyGroupOffsets", model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=1, Topics=["clicks"],
                                    ShiftTimestamp=1735700000000), token="tc-session-token/EXAMPLE+=="))
    v.append(tc_vector("ckafka_modify_pre_utc_midnight", "23:59:59Z: the credential date is the UTC date", "ckafka",
        "ModifyGroupOffsets", model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=0, Topics=["clicks"], Shift=1),
        ts=1735689599))
    v.append(tc_vector("ckafka_modify_at_utc_midnight", "00:00:00Z, the next UTC day", "ckafka", "ModifyGroupOffsets",
        model(M, InstanceId="ckafka-abc123", Group="etl", Strategy=0, Topics=["clicks"], Shift=1), ts=1735689600))
    v.append(tc_vector("dts_reset_earliest", "ResetConsumerGroupOffset earliest", "dts", "ResetConsumerGroupOffset",
        model(dts.ResetConsumerGroupOffsetRequest, SubscribeId="subs-635ns8r71g", TopicName="account-subs-635ns8r71g-1",
              ConsumerGroupName="consumer-grp-subs-635ns8r71g-etl", PartitionNos=[0, 1, 2, 3], ResetMode="earliest")))
    v.append(tc_vector("dts_reset_datetime", "ResetConsumerGroupOffset to a Beijing datetime", "dts",
        "ResetConsumerGroupOffset",
        model(dts.ResetConsumerGroupOffsetRequest, SubscribeId="subs-635ns8r71g", TopicName="account-subs-635ns8r71g-1",
              ConsumerGroupName="consumer-grp-subs-635ns8r71g-etl", PartitionNos=[1], ResetMode="datetime",
              ResetDatetime="2025-01-02 11:04:05")))
    v.append(tc_vector("ckafka_describe_instances_empty", "DescribeInstances with no parameters: body {}", "ckafka",
        "DescribeInstances", ck.DescribeInstancesRequest()))
    v.append(tc_vector("ckafka_describe_instances_paged", "DescribeInstances paged", "ckafka", "DescribeInstances",
        model(ck.DescribeInstancesRequest, Offset=100, Limit=100)))
    v.append(tc_vector("ckafka_describe_group", "DescribeGroup with a unicode search word", "ckafka", "DescribeGroup",
        model(ck.DescribeGroupRequest, InstanceId="ckafka-abc123", SearchWord="组 ü😀", Offset=0, Limit=20)))
    v.append(tc_vector("ckafka_describe_group_info", "DescribeGroupInfo", "ckafka", "DescribeGroupInfo",
        model(ck.DescribeGroupInfoRequest, InstanceId="ckafka-abc123", GroupList=["etl", "a/b%c"])))
    v.append(tc_vector("ckafka_describe_group_offsets", "DescribeGroupOffsets", "ckafka", "DescribeGroupOffsets",
        model(ck.DescribeGroupOffsetsRequest, InstanceId="ckafka-abc123", Group="etl", Topics=["clicks"], Offset=0,
              Limit=50)))
    v.append(tc_vector("ckafka_describe_topic", "DescribeTopic", "ckafka", "DescribeTopic",
        model(ck.DescribeTopicRequest, InstanceId="ckafka-abc123", Offset=0, Limit=50)))
    v.append(tc_vector("ckafka_describe_topic_sync_replica", "DescribeTopicSyncReplica", "ckafka",
        "DescribeTopicSyncReplica", model(ck.DescribeTopicSyncReplicaRequest, InstanceId="ckafka-abc123",
                                          TopicName="clicks", Offset=0, Limit=50)))
    v.append(tc_vector("dts_describe_subscribe_jobs", "DescribeSubscribeJobs", "dts", "DescribeSubscribeJobs",
        model(dts.DescribeSubscribeJobsRequest, Offset=0, Limit=100)))
    v.append(tc_vector("dts_describe_subscribe_detail", "DescribeSubscribeDetail", "dts", "DescribeSubscribeDetail",
        model(dts.DescribeSubscribeDetailRequest, SubscribeId="subs-635ns8r71g")))
    v.append(tc_vector("dts_describe_consumer_groups", "DescribeConsumerGroups", "dts", "DescribeConsumerGroups",
        model(dts.DescribeConsumerGroupsRequest, SubscribeId="subs-635ns8r71g", Offset=0, Limit=10)))
    v.append(tc_vector("dts_describe_offset_by_time", "DescribeOffsetByTime", "dts", "DescribeOffsetByTime",
        model(dts.DescribeOffsetByTimeRequest, SubscribeId="subs-635ns8r71g", Time="2025-01-02 11:04:05")))
    v.append(tc_vector("ckafka_second_key_pair", "another key pair whose key has symbols", "ckafka",
        "DescribeGroupOffsets", model(ck.DescribeGroupOffsetsRequest, InstanceId="ckafka-abc123", Group="etl"),
        keys="b"))
    v.append(tc_vector("ckafka_endpoint_with_port", "the emulator: a host with a port", "ckafka", "DescribeGroup",
        model(ck.DescribeGroupRequest, InstanceId="ckafka-abc123"), endpoint="127.0.0.1:18081", ts=1779407999))
    return v


def main(out_dir):
    for name, vectors in (("huawei", huawei_vectors()), ("tencent", tencent_vectors())):
        path = f"{out_dir}/{name}.json"
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"generated_by": "tests/vectors/generate.py", "sdks": open(f"{out_dir}/requirements.txt").read().split(),
                       "vectors": vectors}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{path}: {len(vectors)} vectors")


if __name__ == "__main__":
    main(sys.argv[1])
