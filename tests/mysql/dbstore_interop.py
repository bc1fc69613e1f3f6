"""zts and the real Python SDK's DBStore (zohocrmsdk8-0 with mysql-connector-python) on one MySQL table
at the same time: each reads the other's writes, in both directions, and the DBStore's text max(id)
cannot make zts duplicate or overwrite a row. Run by tests/mysql/run.sh inside tests/mysql/server.sh.
Prints "N passed, N failed" and exits non-zero on a failure."""

import os
import sys
import traceback
from urllib.parse import unquote, urlsplit

import mysql.connector
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.db_store import DBStore
from zohocrmsdk.src.com.zoho.crm.api.exception.sdk_exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.user_signature import UserSignature

from zoho_token_store import ZohoTokenStore

URL = os.environ["ZTS_MYSQL_URL"]
PARTS = urlsplit(URL)
CONNECT = dict(host=PARTS.hostname, port=PARTS.port, user=unquote(PARTS.username),
               password=unquote(PARTS.password), database=PARTS.path.lstrip("/"))
# The SDK README's table.
CREATE = ("CREATE TABLE {} (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), "
          "client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), "
          "grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), "
          "api_domain varchar(255), primary key (id))")


def sql(statement, params=()):
    connection = mysql.connector.connect(**CONNECT)
    try:
        cursor = connection.cursor()
        cursor.execute(statement, params)
        rows = cursor.fetchall() if cursor.with_rows else None
        connection.commit()
        return rows
    finally:
        connection.close()


def fresh_table(name, create_as_sdk):
    sql("DROP TABLE IF EXISTS `%s`" % name)
    try:
        sql("DELETE FROM zts_store WHERE token_table = %s", (name,))
    except mysql.connector.Error:
        pass  # no zts store opened on this server yet
    if create_as_sdk:
        sql(CREATE.format("`%s`" % name))


def dbstore(table):
    return DBStore(host=CONNECT["host"], database_name=CONNECT["database"], user_name=CONNECT["user"],
                   password=CONNECT["password"], port_number=CONNECT["port"], table_name=table)


def zts(table):
    return ZohoTokenStore("%s?table=%s" % (URL, table))


def token(**fields):
    """An OAuthToken holding only these fields, as the SDK builds them."""
    made = object.__new__(OAuthToken)
    DBStore.set_oauth_token(made)
    for name, value in fields.items():
        if name == "user_name":
            made.set_user_signature(UserSignature(value))
        elif name == "expiry_time":
            made.set_expires_in(value)
        else:
            getattr(made, "set_" + name)(value)
    return made


def user_token(user, access):
    return token(user_name=user, client_id="cid", client_secret="csec", refresh_token="RT-" + user,
                 access_token=access, expiry_time="1795350239397", api_domain="https://www.zohoapis.com")


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def test_zts_reads_and_updates_what_the_dbstore_wrote():
    fresh_table("interop_a", create_as_sdk=True)
    sdk = dbstore("interop_a")
    for n in (1, 2, 3):
        sdk.save_token(user_token("u%d@x" % n, "A%d" % n))
    with zts("interop_a") as store:
        found = store.find_token(token(user_name="u2@x"))
        check(found.get_id() == "2" and found.get_access_token() == "A2", "zts finds the DBStore's row")
        check([t.get_id() for t in store.get_tokens()] == ["1", "2", "3"], "zts lists the DBStore's rows")
        # The SDK refreshes through zts: by id, as the SDK does after its first save.
        store.save_token(token(id="1", access_token="A1-zts", expiry_time="1795350300000"))
        fresh = sdk.find_token(token(user_name="u1@x"))
        check(fresh.get_access_token() == "A1-zts" and fresh.get_refresh_token() == "RT-u1@x",
              "the DBStore reads zts's refresh, other fields kept")
        new = user_token("u4@x", "A4")
        store.save_token(new)
        check(new.get_id() == "4", "zts's new id follows the DBStore's rows")


def test_the_dbstore_reads_and_updates_what_zts_wrote():
    fresh_table("interop_b", create_as_sdk=False)
    with zts("interop_b") as store:
        for n in (1, 2):
            store.save_token(user_token("z%d@x" % n, "Z%d" % n))
        sdk = dbstore("interop_b")
        found = sdk.find_token(token(user_name="z2@x"))
        check(found is not None and found.get_id() == "2", "the DBStore finds zts's row in the table zts made")
        check(sdk.find_token_by_id("1").get_access_token() == "Z1", "and by id")
        sdk.save_token(token(user_name="z1@x", access_token="Z1-sdk", expiry_time="1795350400000"))
        check(store.find_token(token(user_name="z1@x")).get_access_token() == "Z1-sdk",
              "zts reads the DBStore's update on its open connection")
        sdk.delete_token("2")
        check(store.find_token(token(user_name="z2@x")) is None, "zts sees the DBStore's delete")
        # The DBStore's own new row (id from its max(id)) is read by zts; zts's next id follows it.
        sdk.save_token(user_token("s@x", "S"))
        check(store.find_token(token(user_name="s@x")).get_id() == "2", "DBStore reissued the deleted id 2")
        nxt = user_token("z3@x", "Z3")
        store.save_token(nxt)
        check(nxt.get_id() == "3", "zts never reissues: its ids continue after the largest ever (2)")


def test_the_dbstore_text_max_id_cannot_make_zts_duplicate_a_row():
    fresh_table("interop_c", create_as_sdk=True)
    with zts("interop_c") as store:
        for n in range(1, 11):
            store.save_token(user_token("t%d@x" % n, "T%d" % n))
        sdk = dbstore("interop_c")
        # max(id) over varchar is "9": the DBStore tries id 10, which the primary key refuses.
        try:
            sdk.save_token(user_token("sdk-new@x", "N"))
            raise AssertionError("the DBStore inserted a second id 10")
        except SDKException:
            pass
        rows = sql("SELECT id, user_name FROM interop_c WHERE id = '10'")
        check(rows == [("10", "t10@x")], "row 10 is still zts's: %r" % (rows,))
        check(len(store.get_tokens()) == 10, "no row added or lost")
        nxt = user_token("t11@x", "T11")
        store.save_token(nxt)
        check(nxt.get_id() == "11", "zts uses the numeric max")
        # DBStore updates by user_name keep working.
        sdk.save_token(token(user_name="t10@x", access_token="T10-sdk"))
        check(store.find_token_by_id("10").get_access_token() == "T10-sdk", "zts reads the DBStore's update")


def main():
    tests = [(name, f) for name, f in sorted(globals().items()) if name.startswith("test_")]
    passed = failed = 0
    for name, test in tests:
        try:
            test()
            passed += 1
            print("ok   " + name)
        except Exception:
            failed += 1
            print("FAIL " + name)
            traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
