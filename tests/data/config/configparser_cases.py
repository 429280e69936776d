#!/usr/bin/env python3
"""Writes configparser_cases.json: dwh.cfg texts and what Python's configparser makes of them.

The expected values are not written by hand: each case's text is read by
`configparser.ConfigParser()` with its defaults (what the course's create_tables.py and etl.py
use) and every section's every option is read back with `get()`. tests/config_test.cpp checks
the C++ reader (src/config/ini_file.cpp) against the file.

    python3 tests/data/config/configparser_cases.py          # rewrite the JSON
    python3 tests/data/config/configparser_cases.py --check  # exit 1 when it is out of date
"""
import configparser
import json
import pathlib
import sys
import tempfile

CASES = [
    ("course_dwh_cfg",
     "[CLUSTER]\nHOST=dwhcluster.abc.us-west-2.redshift.amazonaws.com\nDB_NAME=dwh\n"
     "DB_USER=dwhuser\nDB_PASSWORD=Passw0rd\nDB_PORT=5439\n\n[IAM_ROLE]\n"
     "ARN='arn:aws:iam::123456789012:role/dwhRole'\n\n[S3]\nLOG_DATA='s3://udacity-dend/log_data'\n"
     "LOG_JSONPATH='s3://udacity-dend/log_json_path.json'\nSONG_DATA='s3://udacity-dend/song_data'\n"),
    ("no_inline_comment_semicolon", "[CLUSTER]\nDB_PASSWORD=ab ;cd#x\n"),
    ("quoted_value_with_semicolon_and_hash", "[CLUSTER]\nDB_PASSWORD=\"ab ;cd#x\"\n"),
    ("inline_hash_is_value", "[S3]\nSTAGING=s3://b/p   # a note\n"),
    ("single_quotes_kept", "[S3]\nLOG_DATA='s3://udacity-dend/log_data'\n"),
    ("mismatched_quotes_kept", "[S3]\nLOG_DATA='s3://x\"\n"),
    ("full_line_comments", "# top\n; also\n[CLUSTER]\n  # indented comment\nHOST=h\n"),
    ("keys_case_insensitive", "[CLUSTER]\nHost=h\ndb_name=d\n"),
    ("sections_case_sensitive", "[cluster]\nHOST=lower\n[CLUSTER]\nHOST=upper\n"),
    ("colon_delimiter", "[CLUSTER]\nHOST: h.example\nDB_PORT :5439\n"),
    ("first_delimiter_wins", "[CLUSTER]\nDB_PASSWORD=a:b=c\nHOST:x=y\n"),
    ("spaces_around", "[CLUSTER]\n   HOST   =   padded value   \n"),
    ("empty_value", "[CLUSTER]\nDB_PASSWORD=\nHOST =\n"),
    ("continuation", "[S3]\nSONG_DATA=first\n  second\n\tthird\nLOG_DATA=x\n"),
    ("continuation_with_blank_and_comment",
     "[S3]\nSONG_DATA=first\n\n  after blank\n  # comment inside\n  last\n\n\nLOG_DATA=y\n"),
    ("indented_after_blank_continues", "[S3]\nA=1\n\n  B=2\n"),
    ("continuation_of_indented_key", "[S3]\n  A=1\n  B=2\n    more\n"),
    ("header_trailing_text", "[CLUSTER] trailing\nHOST=h\n"),
    ("header_inner_bracket", "[a]b]\nK=v\n"),
    ("header_spaces_kept", "[ CLUSTER ]\nHOST=h\n"),
    ("default_section", "[DEFAULT]\nDB_PORT=5439\n[CLUSTER]\nHOST=h\n[S3]\nX=1\n"),
    ("default_overridden", "[DEFAULT]\nDB_PORT=1\n[CLUSTER]\nDB_PORT=2\n"),
    ("interpolation", "[S3]\nBUCKET=s3://b\nLOG_DATA=%(bucket)s/log_data\nPCT=100%%\n"),
    ("interpolation_from_default", "[DEFAULT]\nroot=s3://r\n[S3]\nSONG_DATA=%(ROOT)s/song\n"),
    ("interpolation_lone_percent", "[CLUSTER]\nDB_PASSWORD=ab%cd\nHOST=h\n"),
    ("interpolation_missing_key", "[CLUSTER]\nHOST=%(nothere)s\n"),
    ("interpolation_bad_reference", "[CLUSTER]\nHOST=%(x)d\nx=1\n"),
    ("interpolation_nested", "[S3]\na=1\nb=%(a)s2\nc=%(b)s3\n"),
    ("interpolation_loop", "[S3]\na=%(b)s\nb=%(a)s\n"),
    ("crlf_line_ends", "[CLUSTER]\r\nHOST=h\r\nDB_NAME=d\r\n"),
    ("cr_line_ends", "[CLUSTER]\rHOST=h\r"),
    ("no_final_newline", "[CLUSTER]\nHOST=h"),
    ("empty_file", ""),
    ("only_comments", "# nothing\n; here\n\n"),
    ("no_section_header", "HOST=h\nDB_NAME=d\n"),
    ("no_section_header_after_comments", "# dwh.cfg\n\nHOST=h\n"),
    ("duplicate_key", "[CLUSTER]\nHOST=a\nhost=b\n"),
    ("duplicate_section", "[CLUSTER]\nHOST=a\n[S3]\nX=1\n[CLUSTER]\nDB_NAME=d\n"),
    ("line_without_delimiter", "[CLUSTER]\nHOST=h\nthis line is not ini\nDB_NAME=d\n"),
    ("value_without_key", "[CLUSTER]\n=value\n"),
    ("bad_line_then_duplicate", "[CLUSTER]\nbad line\nHOST=a\nHOST=b\n"),
    ("empty_brackets_line", "[]\nHOST=h\n"),
    ("section_then_bad_line", "[CLUSTER]\n[]\n"),
    ("repeated_default_section", "[DEFAULT]\na=1\n[DEFAULT]\nb=2\n[S]\n"),
    ("equals_in_url_value", "[WAREHOUSE]\nDATABASE=postgresql://u@h/db?sslmode=require&x=1\n"),
    ("key_with_spaces", "[WAREHOUSE]\nMY KEY = v\n"),
    ("tab_indented_key_first", "[CLUSTER]\n\tHOST=h\nDB_NAME=d\n"),
]


def expected(text):
    parser = configparser.ConfigParser()
    # Read from a file as the course does (config.read('dwh.cfg')): open() reads "\r" and
    # "\r\n" as line ends, read_string() would not.
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "dwh.cfg"
        path.write_bytes(text.encode("utf-8"))
        return read(parser, path)


def read(parser, path):
    try:
        parser.read(path, encoding="utf-8")
    # MissingSectionHeaderError is a ParsingError: catch it first.
    except (configparser.MissingSectionHeaderError, configparser.DuplicateSectionError,
            configparser.DuplicateOptionError) as e:
        return {"error": type(e).__name__, "line": e.lineno}
    except configparser.ParsingError as e:
        return {"error": "ParsingError", "line": e.errors[0][0]}
    sections = {}
    names = parser.sections() + (["DEFAULT"] if parser.defaults() else [])
    for section in names:
        values = {}
        for option in (parser.options(section) if section != "DEFAULT" else parser.defaults()):
            try:
                values[option] = parser.get(section, option)
            except configparser.InterpolationError as e:
                values[option] = {"error": type(e).__name__}
        sections[section] = values
    return {"sections": parser.sections(), "values": sections}


def document():
    return {
        "produced_by": "tests/data/config/configparser_cases.py with Python %d.%d.%d configparser"
                       % sys.version_info[:3],
        "cases": [dict(name=name, text=text, **expected(text)) for name, text in CASES],
    }


def main():
    out = pathlib.Path(__file__).with_name("configparser_cases.json")
    # The Python version is recorded but not compared: the expectations are what must match.
    text = json.dumps(document(), indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        have = json.loads(out.read_text(encoding="utf-8"))
        if have["cases"] != json.loads(text)["cases"]:
            print(f"{out}: out of date with this Python's configparser; rerun without --check")
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
