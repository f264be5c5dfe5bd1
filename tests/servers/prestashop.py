#!/usr/bin/env python3
# prestashop.py: a PrestaShop Webservice to run owi-shop's tests against.
#
# It serves a shop-export file (examples/shop.json) as the Webservice of a
# PrestaShop 1.7.8, 8.2 or 9.0 shop at http://127.0.0.1:PORT/api/ (and at
# /webservice/dispatcher.php?url=...), following the research note
# shared/specs/prestashop-webservice.md ("the spec", sections as §N) and,
# where the spec is silent, the PrestaShop sources it was written from
# (classes/webservice/*, webservice/dispatcher.php, the entity classes).
#
# The "database" is built once from the export: order states 1-13 of a
# fresh install, carriers, customers, products, stock, orders with their
# details, carrier rows and histories, customer-service threads with their
# messages.  The list query is emulated the way MySQL would run
# PrestaShop's SQL: string comparisons are case- and accent-insensitive
# (utf8mb4_unicode_ci), numbers are compared as numbers, NULL never
# matches, and an SQL error is swallowed into an empty list as in
# production mode (§2.3).  Production mode also means PHP warnings
# become extra errors and a 500 (§5); --dev turns that off.
#
# Only the Python standard library is used.  It listens on 127.0.0.1 only,
# prints "listening 127.0.0.1:PORT" on stdout once ready, logs requests on
# stderr with --verbose, and exits 0 on SIGTERM or SIGINT.

import argparse
import base64
import datetime
import hashlib
import http.server
import json
import re
import signal
import sys
import threading
import time
import unicodedata
from decimal import Decimal, ROUND_HALF_UP

PROG = 'prestashop.py'
EX_USAGE, EX_DATAERR = 64, 65

PS_VERSIONS = {'1.7': '1.7.8.10', '8': '8.2.0', '9': '9.0.0'}
DEFAULT_KEY = 'OWITESTKEY0123456789ABCDEFGHIJKL'
DOCROOT = '/var/www/html'
REALM = ('Basic realm="Welcome to PrestaShop Webservice, please enter the '
         'authentication key as the login. No password required."')

# Resource names and descriptions of WebserviceRequest::getResources(),
# ksorted; 1.7.8 and 8.2 have the same list, 9.0 adds order_returns and
# drops the supply orders and warehouse locations (§11).
_RESOURCES_17 = [
    ('addresses', 'The Customer, Brand and Customer addresses'),
    ('attachments', 'The product Attachments'),
    ('carriers', 'The Carriers'),
    ('cart_rules', 'Cart rules management'),
    ('carts', "Customer's carts"),
    ('categories', 'The product categories'),
    ('combinations', 'The product combinations'),
    ('configurations', 'Shop configuration'),
    ('contacts', 'Shop contacts'),
    ('content_management_system', 'Content management system'),
    ('countries', 'The countries'),
    ('currencies', 'The currencies'),
    ('customer_messages', 'Customer services messages'),
    ('customer_threads', 'Customer services threads'),
    ('customers', "The e-shop's customers"),
    ('customizations', 'Customization values'),
    ('deliveries', 'Product delivery'),
    ('employees', 'The Employees'),
    ('groups', "The customer's groups"),
    ('guests', 'The guests'),
    ('image_types', 'The image types'),
    ('images', 'The images'),
    ('languages', 'Shop languages'),
    ('manufacturers', 'The product brands'),
    ('messages', 'The Messages'),
    ('order_carriers', 'The Order carriers'),
    ('order_cart_rules', 'The Order cart rules'),
    ('order_details', 'Details of an order'),
    ('order_histories', 'The Order histories'),
    ('order_invoices', 'The Order invoices'),
    ('order_payments', 'The Order payments'),
    ('order_slip', 'The Order slips'),
    ('order_states', 'The Order statuses'),
    ('orders', 'The Customers orders'),
    ('price_ranges', 'Price ranges'),
    ('product_customization_fields', 'Customization Field'),
    ('product_feature_values', 'The product feature values'),
    ('product_features', 'The product features'),
    ('product_option_values', 'The product options value'),
    ('product_options', 'The product options'),
    ('product_suppliers', 'Product Suppliers'),
    ('products', 'The products'),
    ('search', 'Search'),
    ('shop_groups', 'Shop groups from multi-shop feature'),
    ('shop_urls', 'Shop URLs from multi-shop feature'),
    ('shops', 'Shops from multi-shop feature'),
    ('specific_price_rules', 'Specific price management'),
    ('specific_prices', 'Specific price management'),
    ('states', 'The available states of countries'),
    ('stock_availables', 'Available quantities'),
    ('stock_movement_reasons', 'Stock movement reason'),
    ('stock_movements', 'Stock movements'),
    ('stocks', 'Stocks'),
    ('stores', 'The stores'),
    ('suppliers', 'The product suppliers'),
    ('supply_order_details', 'Supply Order Details'),
    ('supply_order_histories', 'Supply Order Histories'),
    ('supply_order_receipt_histories', 'Supply Order Receipt Histories'),
    ('supply_order_states', 'Supply Order Statuses'),
    ('supply_orders', 'Supply Orders'),
    ('tags', 'The Products tags'),
    ('tax_rule_groups', 'Tax rule groups'),
    ('tax_rules', 'Tax rules entity'),
    ('taxes', 'The tax rate'),
    ('translated_configurations', 'Shop configuration'),
    ('warehouse_product_locations', 'Location of products in warehouses'),
    ('warehouses', 'Warehouses'),
    ('weight_ranges', 'Weight ranges'),
    ('zones', 'The Countries zones'),
]
_RESOURCES_9 = sorted(
    [r for r in _RESOURCES_17 if not r[0].startswith('supply_order')
     and r[0] != 'warehouse_product_locations']
    + [('order_returns', 'The Customers orders returns')])
ALL_RESOURCES = {'1.7': _RESOURCES_17, '8': _RESOURCES_17, '9': _RESOURCES_9}
FORBIDDEN = {'stock_availables': ('POST', 'DELETE')}

# Lines of classes/webservice/WebserviceRequest.php that raise the PHP
# warnings of the "failed list parse" case (§5 caution) and of a filter
# parameter that is not an array, per version.
LIST_PARAMS_LINE = {'1.7': 1307, '8': 1333, '9': 1319}
FILTER_FOREACH_LINE = {'1.7': 1159, '8': 1184, '9': 1170}

Q6 = Decimal('0.000001')
VAT = Decimal('1.2')
NO_DATE = '0000-00-00 00:00:00'
THREAD_STATUSES = ('open', 'closed', 'pending1', 'pending2')
# Browsers of the customers writing to customer service (customer_message
# user_agent, VARCHAR(128)).
USER_AGENTS = (
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
    'Chrome/140.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) '
    'Version/18.6 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:143.0) Gecko/20100101 Firefox/143.0',
)


class Fatal(Exception):
    """An uncaught PHP error: status 500 and an empty body."""


class SqlError(Exception):
    """An SQL error in the list query, swallowed by Db::executeS."""


# ----------------------------------------------------------------------
# PHP behaviour the webservice relies on
# ----------------------------------------------------------------------

_NUMERIC = re.compile(r'[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?'
                      r'[ \t\n\r\v\f]*\Z', re.A)


def php_is_numeric(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and _NUMERIC.match(v) is not None


def php_intval(s):
    if isinstance(s, int):
        return s
    m = re.match(r'[ \t\n\r\v\f]*([+-]?\d+(\.\d*)?([eE][+-]?\d+)?)', s, re.A)
    if not m:
        return 0
    if m.group(2) or m.group(3):
        try:
            return int(float(m.group(1)))
        except (OverflowError, ValueError):
            return 0
    return int(m.group(1))


def php_trim(s):
    return s.strip(' \t\n\r\0\x0b')


def php_truthy(v):
    if v is None or v is False:
        return False
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str):
        return v not in ('', '0')
    if isinstance(v, (list, dict)):
        return len(v) > 0
    return True


def php_str(v):
    if v is None or v is False:
        return ''
    if v is True:
        return '1'
    return str(v)


def php_loose_eq(a, b):
    # PHP 8 "==" between an int or a string and a string.
    if isinstance(a, int) and isinstance(b, str):
        return php_is_numeric(b) and float(b) == a
    if php_is_numeric(a) and php_is_numeric(b):
        return float(a) == float(b)
    return str(a) == str(b)


def php_loose_eq7(a, b):
    # PHP 7: an int compared with a string converts the string.
    if isinstance(a, int) and isinstance(b, str):
        return php_intval(b) == a if not php_is_numeric(b) else float(b) == a
    return php_loose_eq(a, b)


def levenshtein(a, b):
    a, b = a.encode('utf-8', 'surrogateescape'), b.encode('utf-8', 'surrogateescape')
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def get_closest(value, words):
    # WebserviceRequest::getClosest: "<=" makes the last of equals win.
    shortest, closest = -1, ''
    for w in words:
        lev = levenshtein(value, w)
        if lev == 0:
            return w
        if lev <= shortest or shortest < 0:
            closest, shortest = w, lev
    return closest


def did_you_mean(label, value, words):
    msg = '%s. Did you mean: "%s"?' % (label, get_closest(value, words))
    if len(words) > 1:
        msg += ' The full list is: "%s"' % '", "'.join(words)
    return msg


def var_export_list(items):
    def q(s):
        return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"
    body = ''.join('  %d => %s,\n' % (i, q(s)) for i, s in enumerate(items))
    return 'array (\n' + body + ')'


def strip_tags(s):
    # A small port of php_strip_tags(): tags, comments and PHP blocks go,
    # an unterminated tag swallows the rest, "<" before a space stays.
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if c != '<':
            out.append(c)
            i += 1
            continue
        if i + 1 < n and s[i + 1].isspace():
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            break
        if s.startswith('<!--', i):
            end = s.find('-->', i + 4)
            if end < 0:
                break
            i = end + 3
            continue
        depth, quote, j = 1, None, i + 1
        while j < n:
            ch = s[j]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in '"\'':
                quote = ch
            elif ch == '<':
                depth += 1
            elif ch == '>':
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            break
        i = j + 1
    return ''.join(out)


def php_urldecode(s):
    raw = s.replace('+', ' ').encode('utf-8', 'surrogateescape')
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i] == 0x25 and i + 2 < len(raw) and \
                re.match(rb'[0-9A-Fa-f]{2}', raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode('utf-8', 'surrogateescape')


def php_parse_qs(qs):
    """$_GET from a query string: brackets make arrays, last value wins."""
    result = {}
    for part in qs.split('&') if qs else ():
        if not part:
            continue
        name, _, value = part.partition('=')
        name, value = php_urldecode(name).lstrip(' '), php_urldecode(value)
        if not name:
            continue
        lb = name.find('[')
        if lb >= 0 and ']' not in name[lb:]:
            lb = -1
            name = name.replace('[', '_', 1)
        base = name if lb < 0 else name[:lb]
        base = base.replace(' ', '_').replace('.', '_')
        if not base:
            continue
        indices, pos = [], lb
        while 0 <= pos < len(name) and name[pos] == '[':
            close = name.find(']', pos + 1)
            if close < 0:
                break
            indices.append(name[pos + 1:close])
            pos = close + 1
        cur, key = result, base
        for index in indices:
            if not isinstance(cur.get(key), dict):
                cur[key] = {}
            cur = cur[key]
            if index == '':
                ints = [k for k in cur if isinstance(k, int)]
                key = max(ints) + 1 if ints else 0
            else:
                key = index
        cur[key] = value
    return result


def php_json(value):
    """json_encode($value, JSON_UNESCAPED_UNICODE), or None on bad UTF-8."""
    def conv(v):
        if isinstance(v, dict):
            keys = list(v)
            if keys == list(range(len(keys))):
                return [conv(v[k]) for k in keys]
            return {str(k): conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v
    s = json.dumps(conv(value), ensure_ascii=False, separators=(',', ':'))
    try:
        s.encode('utf-8')
    except UnicodeEncodeError:
        return None
    return (s.replace('/', '\\/').replace('\u2028', '\\u2028')
            .replace('\u2029', '\\u2029'))


def array_filter(item):
    if isinstance(item, list):
        item = dict(enumerate(item))
    if not isinstance(item, dict):
        raise Fatal('array_filter(): Argument #1 ($array) must be of type array')
    return {k: v for k, v in item.items() if php_truthy(v)}


def php_header_name(name):
    words = name.replace('-', ' ').replace('_', ' ').lower().split(' ')
    return '-'.join(w[:1].upper() + w[1:] for w in words)


# ----------------------------------------------------------------------
# MySQL behaviour the list query relies on
# ----------------------------------------------------------------------

def mysql_escape(s):
    # DbPDO::_escape
    for a, b in (('\\', '\\\\'), ('\0', '\\0'), ('\n', '\\n'), ('\r', '\\r'),
                 ('\x1a', '\\Z'), ("'", "\\'"), ('"', '\\"')):
        s = s.replace(a, b)
    return s


_UNESC = {'0': '\0', "'": "'", '"': '"', 'b': '\b', 'n': '\n', 'r': '\r',
          't': '\t', 'Z': '\x1a', '\\': '\\'}


def mysql_unescape(s):
    # What MySQL reads in a "..." literal; \% and \_ keep their backslash.
    out, i = [], 0
    while i < len(s):
        if s[i] == '\\' and i + 1 < len(s):
            c = s[i + 1]
            out.append(_UNESC.get(c, '\\' + c if c in '%_' else c))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return ''.join(out)


def psql(s):
    """The value MySQL compares with after pSQL() (or bqSQL()): escaping,
    then strip_tags(nl2br()) of the escaped text (Db::escape)."""
    if php_is_numeric(s):
        return s
    return mysql_unescape(strip_tags(mysql_escape(s)))


def fold(s):
    s = unicodedata.normalize('NFKD', s)
    s = ''.join(c for c in s if not unicodedata.combining(c))
    return s.casefold()


def mysql_num(v):
    if isinstance(v, (int, float)):
        return float(v)
    m = re.match(r'[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)', v, re.A)
    try:
        return float(m.group(1)) if m else 0.0
    except OverflowError:
        return float('inf')


def mysql_datetime(s):
    m = re.match(r'\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})'
                 r'(?::(\d{1,2}))?)?\s*\Z', s, re.A)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(x or 0) for x in m.groups())
    return '%04d-%02d-%02d %02d:%02d:%02d' % (y, mo, d, h, mi, sec)


def like_match(value, pattern):
    rx, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == '\\' and i + 1 < len(pattern):
            rx.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        rx.append('.*' if c == '%' else '.' if c == '_' else re.escape(c))
        i += 1
    return re.fullmatch(''.join(rx), value, re.S) is not None


class Column:
    """How MySQL compares a column of this kind with a string constant."""

    def __init__(self, kind):
        self.kind = kind

    def key(self, v):
        if self.kind in 'ibf':
            return mysql_num(v)
        if self.kind in 'dD':
            return v
        return fold(v).rstrip(' ')

    def const(self, s):
        if self.kind in 'ibf':
            return mysql_num(s)
        if self.kind == 'd':
            return mysql_datetime(s) or s
        if self.kind == 'D':
            dt = mysql_datetime(s)
            return dt[:10] if dt else s
        return fold(s).rstrip(' ')

    def text(self, v):
        return v if self.kind in 'ibfdD' else fold(v)


def make_predicate(column, raw):
    """SQLUtils::getSQLRetrieveFilter as a predicate over a column value,
    or None when PrestaShop adds no condition at all (§2.2)."""
    m = re.match(r'^(.*)\[(.*)\](.*)$', raw)
    if m:
        pre, val, post = m.groups()
        if pre == '%' or post == '%':
            pat = fold(psql(pre + val + post))
            return lambda v: v is not None and like_match(column.text(v), pat)
        if pre == '' and post == '':
            if val.find('|') > 0:
                consts = [column.const(psql(x)) for x in val.split('|')]
                return lambda v: v is not None and column.key(v) in consts
            between = re.match(r'^([\d\.:\-\s]+),([\d\.:\-\s]+)$', val, re.A)
            if between:
                a, b = sorted(between.groups(), key=_php_sort_key)
                lo, hi = column.const(psql(a)), column.const(psql(b))
                return lambda v: v is not None and _between(column.key(v), lo, hi)
            c = column.const(psql(val))
            return lambda v: v is not None and column.key(v) == c
        if pre == '>':
            c = column.const(psql(val))
            return lambda v: v is not None and _cmp(column.key(v), c) > 0
        if pre == '<':
            c = column.const(psql(val))
            return lambda v: v is not None and _cmp(column.key(v), c) < 0
        if pre == '!':
            consts = [column.const(psql(x)) for x in val.split('|')]
            return lambda v: v is not None and column.key(v) not in consts
        return None
    c = column.const(psql(raw))
    return lambda v: v is not None and column.key(v) == c


def _php_sort_key(s):
    return (0, float(s), '') if php_is_numeric(s) else (1, 0.0, s)


def _cmp(a, b):
    if type(a) is not type(b):
        a, b = str(a), str(b)
    return (a > b) - (a < b)


def _between(v, lo, hi):
    return _cmp(v, lo) >= 0 and _cmp(v, hi) <= 0


# ----------------------------------------------------------------------
# The shop export
# ----------------------------------------------------------------------

class DataError(Exception):
    pass


def load_export(path):
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f, parse_float=Decimal)
    except OSError as e:
        raise DataError("cannot open '%s': %s" % (path, e.strerror))
    except ValueError as e:
        raise DataError('%s: %s' % (path, e))

    def need(obj, key, kind, where):
        if not isinstance(obj, dict) or key not in obj:
            raise DataError('%s: %s: missing "%s"' % (path, where, key))
        v = obj[key]
        if kind == 'str' and not isinstance(v, str):
            raise DataError('%s: %s: "%s" is not a string' % (path, where, key))
        if kind == 'num' and (isinstance(v, bool) or not isinstance(v, (int, Decimal))):
            raise DataError('%s: %s: "%s" is not a number' % (path, where, key))
        if kind == 'list' and not isinstance(v, list):
            raise DataError('%s: %s: "%s" is not a list' % (path, where, key))
        return v

    shop = need(data, 'shop', None, 'top level')
    for k in ('name', 'domain'):
        need(shop, k, 'str', 'shop')
    langs = need(shop, 'languages', 'list', 'shop')
    if not langs or not all(isinstance(x, str) and len(x) == 2 for x in langs):
        raise DataError('%s: shop: "languages" must list ISO 639-1 codes' % path)
    for i, p in enumerate(need(data, 'products', 'list', 'top level')):
        where = 'products[%d]' % i
        for k in ('reference', 'ean13', 'name'):
            need(p, k, 'str', where)
        need(p, 'price', 'num', where)
        if not isinstance(need(p, 'stock', 'num', where), int):
            raise DataError('%s: %s: "stock" is not an integer' % (path, where))
    for i, c in enumerate(need(data, 'customers', 'list', 'top level')):
        for k in ('email', 'firstname', 'lastname'):
            need(c, k, 'str', 'customers[%d]' % i)
    ids = set()
    for i, o in enumerate(need(data, 'orders', 'list', 'top level')):
        where = 'orders[%d]' % i
        oid = need(o, 'id', 'num', where)
        if not isinstance(oid, int) or oid <= 0 or oid in ids:
            raise DataError('%s: %s: "id" must be a unique positive integer' % (path, where))
        ids.add(oid)
        for k in ('reference', 'customer_email', 'customer_firstname',
                  'customer_lastname', 'date_add', 'state', 'carrier'):
            need(o, k, 'str', where)
        if not re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', o['date_add']):
            raise DataError('%s: %s: "date_add" is not YYYY-MM-DD HH:MM:SS' % (path, where))
        if 'date_shipped' in o:
            ds = o['date_shipped']
            if not isinstance(ds, str) or \
                    not re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', ds):
                raise DataError('%s: %s: "date_shipped" is not YYYY-MM-DD HH:MM:SS'
                                % (path, where))
            # The format sorts as the calendar does.
            if ds < o['date_add']:
                raise DataError('%s: %s: "date_shipped" is before "date_add"' % (path, where))
        tn = need(o, 'tracking_number', None, where)
        if tn is not None and not isinstance(tn, str):
            raise DataError('%s: %s: "tracking_number" is not a string or null' % (path, where))
        need(o, 'total_paid', 'num', where)
        for j, line in enumerate(need(o, 'lines', 'list', where)):
            lw = '%s.lines[%d]' % (where, j)
            need(line, 'product_reference', 'str', lw)
            need(line, 'name', 'str', lw)
            if not isinstance(need(line, 'quantity', 'num', lw), int):
                raise DataError('%s: %s: "quantity" is not an integer' % (path, lw))
            need(line, 'unit_price', 'num', lw)
        if state_id(o['state']) is None:
            raise DataError('%s: %s: unknown order state "%s"' % (path, where, o['state']))
    # Optional: customer-service threads (absent: none).
    for i, t in enumerate(need(data, 'threads', 'list', 'top level') if 'threads' in data else ()):
        where = 'threads[%d]' % i
        need(t, 'email', 'str', where)
        oid = need(t, 'order_id', None, where)
        if oid is not None and (isinstance(oid, bool) or not isinstance(oid, int)):
            raise DataError('%s: %s: "order_id" is not an integer or null' % (path, where))
        if oid is not None and oid not in ids:
            raise DataError('%s: %s: "order_id" %d is not an order of the export'
                            % (path, where, oid))
        if need(t, 'status', 'str', where) not in THREAD_STATUSES:
            raise DataError('%s: %s: "status" is not one of %s'
                            % (path, where, ', '.join(THREAD_STATUSES)))
        if not re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', need(t, 'date_add', 'str', where)):
            raise DataError('%s: %s: "date_add" is not YYYY-MM-DD HH:MM:SS' % (path, where))
        prev = t['date_add']
        for j, m in enumerate(need(t, 'messages', 'list', where)):
            mw = '%s.messages[%d]' % (where, j)
            if need(m, 'from', 'str', mw) not in ('customer', 'employee'):
                raise DataError('%s: %s: "from" is not "customer" or "employee"' % (path, mw))
            md = need(m, 'date_add', 'str', mw)
            if not re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', md):
                raise DataError('%s: %s: "date_add" is not YYYY-MM-DD HH:MM:SS' % (path, mw))
            # The format sorts as the calendar does.
            if md < prev:
                raise DataError('%s: %s: "date_add" is before the %s "date_add"' % (
                    path, mw, "thread's" if j == 0 else "previous message's"))
            prev = md
            if need(m, 'message', 'str', mw) == '':
                raise DataError('%s: %s: "message" is empty' % (path, mw))
    return data


# ----------------------------------------------------------------------
# The database built from the export
# ----------------------------------------------------------------------

# §8: the default order states (id, English, French, template, invoice,
# logable, delivery, shipped, paid, send_email, pdf_invoice, pdf_delivery,
# color, module_name).
ORDER_STATES = [
    (1, 'Awaiting check payment', 'En attente du paiement par chèque', 'cheque', 0, 0, 0, 0, 0, 1, 0, 0, '#34209E', 'ps_checkpayment'),
    (2, 'Payment accepted', 'Paiement accepté', 'payment', 1, 1, 0, 0, 1, 1, 1, 0, '#3498D8', ''),
    (3, 'Processing in progress', 'En cours de préparation', 'preparation', 1, 1, 1, 0, 1, 1, 0, 0, '#3498D8', ''),
    (4, 'Shipped', 'Expédié', 'shipped', 1, 1, 1, 1, 1, 1, 0, 0, '#01B887', ''),
    (5, 'Delivered', 'Livré', '', 1, 1, 1, 1, 1, 0, 0, 0, '#01B887', ''),
    (6, 'Canceled', 'Annulé', 'order_canceled', 0, 0, 0, 0, 0, 1, 0, 0, '#2C3E50', ''),
    (7, 'Refunded', 'Remboursé', 'refund', 1, 0, 0, 0, 0, 1, 0, 0, '#01B887', ''),
    (8, 'Payment error', 'Erreur de paiement', 'payment_error', 0, 0, 0, 0, 0, 1, 0, 0, '#E74C3C', ''),
    (9, 'On backorder (paid)', 'En attente de réapprovisionnement (payé)', 'outofstock', 1, 0, 0, 0, 1, 1, 0, 0, '#3498D8', ''),
    (10, 'Awaiting bank wire payment', 'En attente de virement bancaire', 'bankwire', 0, 0, 0, 0, 0, 1, 0, 0, '#34209E', 'ps_wirepayment'),
    (11, 'Remote payment accepted', 'Paiement à distance accepté', 'payment', 1, 1, 0, 0, 1, 1, 0, 0, '#3498D8', ''),
    (12, 'On backorder (not paid)', 'En attente de réapprovisionnement (non payé)', 'outofstock', 0, 0, 0, 0, 0, 1, 0, 0, '#34209E', ''),
    (13, 'Awaiting Cash On Delivery validation', 'En attente de paiement à la livraison', 'cashondelivery', 0, 0, 0, 0, 0, 0, 0, 0, '#34209E', 'ps_cashondelivery'),
]
STATE = {s[0]: s for s in ORDER_STATES}

# The states an order went through to reach its current one.
STATE_PATHS = {1: [1], 2: [2], 3: [2, 3], 4: [2, 3, 4], 5: [2, 3, 4, 5],
               6: [10, 6], 7: [2, 3, 4, 5, 7], 8: [8], 9: [2, 9], 10: [10],
               11: [11], 12: [12], 13: [13]}

# Carriers the export may name: tracking URL, delay (fr, en), speed grade
# and days in transit.
CARRIERS = {
    'colissimo': ('https://www.laposte.fr/outils/suivre-vos-envois?code=@',
                  'Livraison à domicile en 48h', 'Home delivery in 48 hours', 6, 2),
    'chronopost': ('https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=@',
                   'Livraison express en 24h', 'Express delivery in 24 hours', 9, 1),
    'mondial relay': ('https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition=@',
                      'Livraison en point relais en 3 à 5 jours',
                      'Pick-up point delivery in 3 to 5 days', 3, 4),
    'dpd': ('https://trace.dpd.fr/fr/trace/@', 'Livraison en 24 à 48h',
            'Delivery in 24 to 48 hours', 7, 2),
    'ups': ('https://www.ups.com/track?tracknum=@', 'Livraison en 24 à 72h',
            'Delivery in 24 to 72 hours', 7, 2),
    'dhl express': ('https://www.dhl.com/fr-fr/home/tracking.html?tracking-id=@',
                    'Livraison express en 24h', 'Express delivery in 24 hours', 9, 1),
}

LANGUAGE_INFO = {
    'fr': ('Français (French)', 'fr-FR', 'fr', 'd/m/Y', 'd/m/Y H:i:s'),
    'en': ('English (English)', 'en-US', 'en-us', 'm/d/Y', 'm/d/Y H:i:s'),
}


def state_id(name):
    for s in ORDER_STATES:
        if name in (s[1], s[2]):
            return s[0]
    return None


class Field:
    """One webservice field: kind is i (int), b (bool), f (decimal),
    s (string), h (HTML), d (datetime), D (date); lang marks an i18n
    field; getter a virtual field (filtering refused, code 34); column
    False a field without an SQL column (filter or sort: SQL error)."""

    def __init__(self, name, kind='s', xlink=None, lang=False, getter=False,
                 column=True, shop=False, hidden=False, setter=True):
        self.name, self.kind, self.xlink, self.lang = name, kind, xlink, lang
        self.getter, self.column, self.shop = getter, column, shop
        self.hidden, self.setter = hidden, setter


class Assoc:
    def __init__(self, name, resource, fields=None, virtual=False, api=None):
        # fields: [(name, xlink)] or None for the undeclared {id} form.
        self.name, self.resource, self.fields = name, resource, fields
        self.virtual, self.api = virtual, api


class Resource:
    def __init__(self, name, node, table, primary, fields, assocs=(),
                 shop_asso=None, lang_cols=()):
        self.name, self.node, self.table, self.primary = name, node, table, primary
        self.fields = [Field('id', 'i')] + fields
        self.by_name = {f.name: f for f in self.fields}
        self.assocs = list(assocs)
        self.shop_asso = shop_asso
        self.lang_cols = set(lang_cols)
        self.rows = []          # dicts, in primary-key order
        self.by_id = {}
        self.assoc_rows = {}    # (assoc name, id) -> [row dicts]

    def add(self, row, **assoc):
        self.rows.append(row)
        self.by_id[row['id']] = row
        for k, v in assoc.items():
            self.assoc_rows[(k, row['id'])] = v


def merge_fields(ws, definition):
    """ObjectModel::getWebserviceParameters order: id, the webservice
    fields, then the remaining definition fields."""
    seen = {f.name for f in ws}
    return ws + [f for f in definition if f.name not in seen]


def money(x):
    return str(Decimal(x).quantize(Q6, ROUND_HALF_UP))


def excl(x):
    return (Decimal(x) / VAT).quantize(Q6, ROUND_HALF_UP)


def slug(s):
    s = unicodedata.normalize('NFKD', s)
    s = ''.join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r'[^a-z0-9]+', '-', s).strip('-')


def dt(s):
    return datetime.datetime.strptime(s, '%Y-%m-%d %H:%M:%S')


def dts(d):
    return d.strftime('%Y-%m-%d %H:%M:%S')


class Database:
    def __init__(self, export, version):
        self.version = version
        self.shop_name = export['shop']['name']
        self.langs = [(i + 1, iso) for i, iso in enumerate(export['shop']['languages'])]
        self.lang_ids = [i for i, _ in self.langs]
        self.resources = {}
        self._languages()
        self._order_states()
        carriers = self._carriers(export)
        customers = self._customers(export)
        products = self._products(export)
        self._orders(export, carriers, customers, products)
        self._threads(export, customers)

    def i18n(self, fn):
        return {lid: fn(iso) for lid, iso in self.langs}

    def _add_resource(self, res):
        self.resources[res.name] = res
        return res

    def _languages(self):
        res = self._add_resource(Resource(
            'languages', 'language', 'lang', 'id_lang',
            [Field('name'), Field('iso_code'), Field('locale'),
             Field('language_code'), Field('active', 'b'), Field('is_rtl', 'b'),
             Field('date_format_lite'), Field('date_format_full')],
            shop_asso='shop'))
        for lid, iso in self.langs:
            info = LANGUAGE_INFO.get(iso, (iso, iso + '-' + iso.upper(), iso,
                                           'Y-m-d', 'Y-m-d H:i:s'))
            res.add({'id': lid, 'name': info[0], 'iso_code': iso, 'locale': info[1],
                     'language_code': info[2], 'active': '1', 'is_rtl': '0',
                     'date_format_lite': info[3], 'date_format_full': info[4]})

    def _order_states(self):
        b = lambda n: Field(n, 'b')
        res = self._add_resource(Resource(
            'order_states', 'order_state', 'order_state', 'id_order_state',
            merge_fields([b('unremovable'), b('delivery'), b('hidden')],
                         [b('send_email'), Field('module_name'), b('invoice'),
                          Field('color'), b('logable'), b('shipped'),
                          b('unremovable'), b('delivery'), b('hidden'), b('paid'),
                          b('pdf_delivery'), b('pdf_invoice'), b('deleted'),
                          Field('name', lang=True), Field('template', lang=True)]),
            lang_cols=('id_order_state', 'id_lang', 'name', 'template')))
        for (sid, en, fr, tpl, inv, log, dlv, shp, paid, mail, pinv, pdlv,
             color, module) in ORDER_STATES:
            res.add({'id': sid, 'unremovable': '1', 'delivery': str(dlv),
                     'hidden': '0', 'send_email': str(mail), 'module_name': module,
                     'invoice': str(inv), 'color': color, 'logable': str(log),
                     'shipped': str(shp), 'paid': str(paid), 'pdf_delivery': str(pdlv),
                     'pdf_invoice': str(pinv), 'deleted': '0',
                     'name': self.i18n(lambda iso: fr if iso == 'fr' else en),
                     'template': self.i18n(lambda iso: tpl)})

    def _carriers(self, export):
        b = lambda n: Field(n, 'b')
        res = self._add_resource(Resource(
            'carriers', 'carrier', 'carrier', 'id_carrier',
            merge_fields(
                [b('deleted'), b('is_module'),
                 Field('id_tax_rules_group', 'i', xlink=('tax_rule_groups', None),
                       getter=True)],
                [Field('id_reference', 'i'), Field('name'), b('active'), b('is_free'),
                 Field('url'), b('shipping_handling'), b('shipping_external'),
                 b('range_behavior'), Field('shipping_method', 'i'),
                 Field('max_width', 'i'), Field('max_height', 'i'),
                 Field('max_depth', 'i'), Field('max_weight', 'f'),
                 Field('grade', 'i'), Field('external_module_name'), b('is_module'),
                 b('need_range'), Field('position', 'i'), b('deleted'),
                 Field('delay', lang=True)]),
            shop_asso='shop', lang_cols=('id_carrier', 'id_shop', 'id_lang', 'delay')))

        def row(cid, name, url, fr, en, grade, deleted, active, free, position):
            return {'id': cid, 'deleted': deleted, 'is_module': '0',
                    'id_tax_rules_group': 0 if free == '1' else 1,
                    'id_reference': str(cid), 'name': name, 'active': active,
                    'is_free': free, 'url': url, 'shipping_handling': '0' if free == '1' else '1',
                    'shipping_external': '0', 'range_behavior': '0',
                    'shipping_method': '0' if free == '1' else '2',
                    'max_width': '0', 'max_height': '0', 'max_depth': '0',
                    'max_weight': '0.000000', 'grade': str(grade),
                    'external_module_name': '', 'need_range': '0',
                    'position': str(position), 'column_id_tax_rules_group': '0',
                    'delay': self.i18n(lambda iso: fr if iso == 'fr' else en)}

        # A fresh install has carrier 1 (the shop, pick-up) and 2 ("My
        # carrier"), which merchants delete; the export's carriers follow.
        res.add(row(1, self.shop_name, '', 'Retrait en boutique', 'Pick up in-store',
                    0, '0', '1', '1', 0))
        res.add(row(2, 'My carrier', '', 'Livraison le lendemain !', 'Delivery next day!',
                    0, '1', '0', '0', 1))
        ids = {}
        for o in sorted(export['orders'], key=lambda o: o['id']):
            name = o['carrier']
            if name in ids:
                continue
            if name == self.shop_name:
                ids[name] = (1, 1)
                continue
            info = CARRIERS.get(name.lower(), ('', 'Livraison en 2 à 4 jours',
                                               'Delivery in 2 to 4 days', 5, 3))
            cid = len(res.rows) + 1
            res.add(row(cid, name, info[0], info[1], info[2], info[3], '0', '1', '0',
                        cid - 1))
            ids[name] = (cid, info[4])
        return ids

    def _customers(self, export):
        b = lambda n: Field(n, 'b')
        res = self._add_resource(Resource(
            'customers', 'customer', 'customer', 'id_customer',
            merge_fields(
                [Field('id_default_group', 'i', xlink='groups'),
                 Field('id_lang', 'i', xlink='languages'),
                 Field('newsletter_date_add', 'd'), Field('ip_registration_newsletter'),
                 Field('last_passwd_gen', setter=False), Field('secure_key', setter=False),
                 b('deleted'), Field('passwd')],
                [Field('secure_key'), Field('lastname'), Field('firstname'),
                 Field('email'), Field('passwd'), Field('last_passwd_gen'),
                 Field('id_gender', 'i'), Field('birthday', 'D'), b('newsletter'),
                 Field('newsletter_date_add', 'd'), Field('ip_registration_newsletter'),
                 b('optin'), Field('website'), Field('company'), Field('siret'),
                 Field('ape'), Field('outstanding_allow_amount', 'f'),
                 b('show_public_prices'), Field('id_risk', 'i'),
                 Field('max_payment_days', 'i'), b('active'), b('deleted'),
                 Field('note', 'h'), b('is_guest'), Field('id_shop', 'i'),
                 Field('id_shop_group', 'i'), Field('id_default_group', 'i'),
                 Field('id_lang', 'i'), Field('date_add', 'd'), Field('date_upd', 'd'),
                 Field('reset_password_token'), Field('reset_password_validity', 'd')]),
            assocs=[Assoc('groups', 'group')]))
        isos = [iso for _, iso in self.langs]
        first = {}
        for o in export['orders']:
            e = o['customer_email'].lower()
            first[e] = min(first.get(e, o['date_add']), o['date_add'])
        out = {}
        for i, c in enumerate(export['customers']):
            cid = 301 + i
            email = c['email']
            tld = email.rsplit('.', 1)[-1].lower()
            iso = 'fr' if tld in ('fr', 'be', 'ch', 'lu') and 'fr' in isos else \
                'en' if 'en' in isos else isos[0]
            lid = isos.index(iso) + 1
            if email.lower() in first:
                added = dts(dt(first[email.lower()]) - datetime.timedelta(minutes=6, seconds=41))
            else:
                added = dts(datetime.datetime(2025, 7, 14, 16, 3, 27)
                            + datetime.timedelta(days=3 * i))
            digest = hashlib.sha512(email.encode()).digest()
            alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
            passwd = '$2y$10$' + ''.join(alphabet[x % 64] for x in digest[:53])
            secure = hashlib.md5(email.lower().encode()).hexdigest()
            res.add({'id': cid, 'id_default_group': '3', 'id_lang': str(lid),
                     'newsletter_date_add': NO_DATE, 'ip_registration_newsletter': '',
                     'last_passwd_gen': added, 'secure_key': secure, 'deleted': '0',
                     'passwd': passwd, 'lastname': c['lastname'],
                     'firstname': c['firstname'], 'email': email, 'id_gender': '0',
                     'birthday': '0000-00-00', 'newsletter': '0', 'optin': '0',
                     'website': '', 'company': '', 'siret': '', 'ape': '',
                     'outstanding_allow_amount': '0.000000', 'show_public_prices': '0',
                     'id_risk': '0', 'max_payment_days': '0', 'active': '1', 'note': '',
                     'is_guest': '0', 'id_shop': '1', 'id_shop_group': '1',
                     'date_add': added, 'date_upd': added, 'reset_password_token': '',
                     'reset_password_validity': NO_DATE},
                    groups=[{'id': '3'}])
            out[email.lower()] = (cid, lid, secure)
        return out

    def _products(self, export):
        v = self.version
        b = lambda n, **kw: Field(n, 'b', **kw)
        S = dict(shop=True)
        L = dict(lang=True)
        definition = [
            Field('id_shop_default', 'i'), Field('id_manufacturer', 'i'),
            Field('id_supplier', 'i'), Field('reference'), Field('supplier_reference'),
            Field('location'), Field('width', 'f'), Field('height', 'f'),
            Field('depth', 'f'), Field('weight', 'f'), b('quantity_discount'),
            Field('ean13'), Field('isbn'), Field('upc'), Field('mpn'),
            b('cache_is_pack'), b('cache_has_attachments'), b('is_virtual'),
            Field('state', 'i'), Field('additional_delivery_times', 'i'),
            Field('delivery_in_stock', **L), Field('delivery_out_stock', **L),
            Field('product_type'), Field('id_category_default', 'i', **S),
            Field('id_tax_rules_group', 'i', **S), b('on_sale', **S),
            b('online_only', **S), Field('ecotax', 'f', **S),
            Field('minimal_quantity', 'i', **S), Field('low_stock_threshold', 'i', **S),
            b('low_stock_alert', **S), Field('price', 'f', **S),
            Field('wholesale_price', 'f', **S), Field('unity', **S)]
        if v != '1.7':
            definition.append(Field('unit_price', 'f', **S))
        definition += [
            Field('unit_price_ratio', 'f', **S), Field('additional_shipping_cost', 'f', **S),
            Field('customizable', 'i', **S), Field('text_fields', 'i', **S),
            Field('uploadable_files', 'i', **S), b('active', **S),
            Field('redirect_type', **S), Field('id_type_redirected', 'i', **S),
            b('available_for_order', **S), Field('available_date', 'D', **S),
            b('show_condition', **S), Field('condition', **S), b('show_price', **S),
            b('indexed', **S), Field('visibility', **S),
            Field('cache_default_attribute', 'i', **S),
            b('advanced_stock_management', **S), Field('date_add', 'd', **S),
            Field('date_upd', 'd', **S), Field('pack_stock_type', 'i', **S),
            Field('meta_description', **L)]
        if v != '9':
            definition.append(Field('meta_keywords', **L))
        definition += [Field(n, **L) for n in (
            'meta_title', 'link_rewrite', 'name', 'description', 'description_short',
            'available_now', 'available_later')]
        ws = [Field('id_manufacturer', 'i', xlink='manufacturers'),
              Field('id_supplier', 'i', xlink='suppliers'),
              Field('id_category_default', 'i', xlink='categories', shop=True),
              Field('new', column=False),
              Field('cache_default_attribute', 'i', shop=True),
              Field('id_default_image', 'i', xlink=('images', 'products'),
                    getter=True, column=False),
              Field('id_default_combination', 'i', xlink=('combinations', None),
                    getter=True, column=False),
              Field('id_tax_rules_group', 'i', xlink=('tax_rule_groups', None), shop=True),
              Field('position_in_category', 'i', getter=True, column=False),
              Field('manufacturer_name', getter=True, column=False, setter=False),
              Field('quantity', 'i', getter=True, setter=False),
              Field('type', getter=True, column=False)]
        lang_cols = ['id_product', 'id_shop', 'id_lang', 'description',
                     'description_short', 'link_rewrite', 'meta_description',
                     'meta_keywords', 'meta_title', 'name', 'available_now',
                     'available_later', 'delivery_in_stock', 'delivery_out_stock']
        res = self._add_resource(Resource(
            'products', 'product', 'product', 'id_product', merge_fields(ws, definition),
            assocs=[Assoc('categories', 'category', [('id', None)]),
                    Assoc('images', 'image', [('id', None)]),
                    Assoc('combinations', 'combination', [('id', None)]),
                    Assoc('product_option_values', 'product_option_value', [('id', None)]),
                    Assoc('product_features', 'product_feature',
                          [('id', None), ('id_feature_value', 'product_feature_values')]),
                    Assoc('tags', 'tag', [('id', None)]),
                    Assoc('stock_availables', 'stock_available',
                          [('id', None), ('id_product_attribute', None)]),
                    Assoc('attachments', 'attachment', [('id', None)], api='attachments'),
                    Assoc('accessories', 'product', [('id', 'products')], api='products'),
                    Assoc('product_bundle', 'product',
                          [('id', None), ('id_product_attribute', None), ('quantity', None)],
                          api='products')],
            shop_asso='shop', lang_cols=lang_cols))
        stock = self._add_resource(Resource(
            'stock_availables', 'stock_available', 'stock_available', 'id_stock_available',
            merge_fields([Field('id_product', 'i', xlink='products'),
                          Field('id_product_attribute', 'i', xlink='combinations'),
                          Field('id_shop', 'i', xlink='shops'),
                          Field('id_shop_group', 'i', xlink='shop_groups')],
                         [Field('id_product', 'i'), Field('id_product_attribute', 'i'),
                          Field('id_shop', 'i'), Field('id_shop_group', 'i'),
                          Field('quantity', 'i'), Field('depends_on_stock', 'b'),
                          Field('out_of_stock', 'i'), Field('location')]),
            shop_asso='fk_shop'))
        out = {}
        for i, p in enumerate(export['products']):
            pid, sid = 21 + i, 201 + i
            added = datetime.datetime(2025, 3, 3, 9, 30, 12) + \
                datetime.timedelta(days=7 * i, minutes=13 * i)
            name = p['name']
            row = {'id': pid, 'id_manufacturer': '0', 'id_supplier': '0',
                   'id_category_default': '2', 'new': None,
                   'cache_default_attribute': '0', 'id_default_image': '',
                   'id_default_combination': 0, 'id_tax_rules_group': '1',
                   'position_in_category': str(i), 'manufacturer_name': False,
                   'quantity': str(int(p['stock'])), 'type': 'simple',
                   'id_shop_default': '1', 'reference': p['reference'],
                   'supplier_reference': '', 'location': '', 'width': '0.000000',
                   'height': '0.000000', 'depth': '0.000000', 'weight': '0.000000',
                   'quantity_discount': '0', 'ean13': p['ean13'], 'isbn': '',
                   'upc': '', 'mpn': '', 'cache_is_pack': '0',
                   'cache_has_attachments': '0', 'is_virtual': '0', 'state': '1',
                   'additional_delivery_times': '1', 'product_type': 'standard',
                   'on_sale': '0', 'online_only': '0', 'ecotax': '0.000000',
                   'minimal_quantity': '1', 'low_stock_threshold': None,
                   'low_stock_alert': '0', 'price': money(excl(p['price'])),
                   'wholesale_price': '0.000000', 'unity': '', 'unit_price': '0.000000',
                   'unit_price_ratio': '0.000000', 'additional_shipping_cost': '0.000000',
                   'customizable': '0', 'text_fields': '0', 'uploadable_files': '0',
                   'active': '1', 'redirect_type': '404' if v == '1.7' else 'default',
                   'id_type_redirected': '0', 'available_for_order': '1',
                   'available_date': '0000-00-00', 'show_condition': '0',
                   'condition': 'new', 'show_price': '1', 'indexed': '1',
                   'visibility': 'both', 'advanced_stock_management': '0',
                   'date_add': dts(added),
                   'date_upd': dts(added + datetime.timedelta(days=40, hours=3)),
                   'pack_stock_type': '3'}
            for n in ('delivery_in_stock', 'delivery_out_stock', 'meta_description',
                      'meta_keywords', 'meta_title', 'description', 'description_short',
                      'available_now', 'available_later'):
                row[n] = self.i18n(lambda iso: '')
            row['link_rewrite'] = self.i18n(lambda iso: slug(name))
            row['name'] = self.i18n(lambda iso: name)
            res.add(row, categories=[{'id': '2'}],
                    stock_availables=[{'id': str(sid), 'id_product_attribute': '0'}])
            stock.add({'id': sid, 'id_product': str(pid), 'id_product_attribute': '0',
                       'id_shop': '1', 'id_shop_group': '0', 'quantity': str(int(p['stock'])),
                       'depends_on_stock': '0', 'out_of_stock': '2', 'location': ''})
            out[p['reference']] = (pid, p)
        return out

    def _orders(self, export, carriers, customers, products):
        v = self.version
        b = lambda n: Field(n, 'b')
        f = lambda n: Field(n, 'f')
        orders = self._add_resource(Resource(
            'orders', 'order', 'orders', 'id_order',
            merge_fields(
                [Field('id_address_delivery', 'i', xlink='addresses'),
                 Field('id_address_invoice', 'i', xlink='addresses'),
                 Field('id_cart', 'i', xlink='carts'),
                 Field('id_currency', 'i', xlink='currencies'),
                 Field('id_lang', 'i', xlink='languages'),
                 Field('id_customer', 'i', xlink='customers'),
                 Field('id_carrier', 'i', xlink='carriers'),
                 Field('current_state', 'i', xlink='order_states'),
                 Field('module'), Field('invoice_number', 'i'), Field('invoice_date', 'd'),
                 Field('delivery_number', 'i'), Field('delivery_date', 'd'), b('valid'),
                 Field('date_add', 'd'), Field('date_upd', 'd'),
                 # 1.7 still has the legacy column (§9); 8 and 9 do not.
                 Field('shipping_number', getter=True, column=(v == '1.7')),
                 Field('note', 'h')],
                [Field('id_shop_group', 'i'), Field('id_shop', 'i'), Field('secure_key'),
                 Field('payment'), b('recyclable'), b('gift'), Field('gift_message'),
                 b('mobile_theme')] +
                [f(n) for n in (
                    'total_discounts', 'total_discounts_tax_incl', 'total_discounts_tax_excl',
                    'total_paid', 'total_paid_tax_incl', 'total_paid_tax_excl',
                    'total_paid_real', 'total_products', 'total_products_wt',
                    'total_shipping', 'total_shipping_tax_incl', 'total_shipping_tax_excl',
                    'carrier_tax_rate', 'total_wrapping', 'total_wrapping_tax_incl',
                    'total_wrapping_tax_excl')] +
                [Field('round_mode', 'i'), Field('round_type', 'i'),
                 f('conversion_rate'), Field('reference')]),
            assocs=[Assoc('order_rows', 'order_row', virtual=True, fields=[
                ('id', None), ('product_id', 'products'), ('product_attribute_id', None),
                ('product_quantity', None), ('product_name', None),
                ('product_reference', None), ('product_ean13', None),
                ('product_isbn', None), ('product_upc', None), ('product_price', None),
                ('id_customization', 'customizations'), ('unit_price_tax_incl', None),
                ('unit_price_tax_excl', None)])]))
        details = self._add_resource(Resource(
            'order_details', 'order_detail', 'order_detail', 'id_order_detail',
            merge_fields(
                [Field('id_order', 'i', xlink='orders'),
                 Field('product_id', 'i', xlink='products'),
                 Field('product_attribute_id', 'i', xlink='combinations'),
                 Field('product_quantity_reinjected', 'i'), f('group_reduction'),
                 Field('discount_quantity_applied', 'i'), Field('download_hash'),
                 Field('download_deadline', 'd')],
                [Field('id_order', 'i'), Field('id_order_invoice', 'i'),
                 Field('id_warehouse', 'i'), Field('id_shop', 'i'),
                 Field('product_id', 'i'), Field('product_attribute_id', 'i'),
                 Field('id_customization', 'i'), Field('product_name'),
                 Field('product_quantity', 'i'), Field('product_quantity_in_stock', 'i'),
                 Field('product_quantity_return', 'i'),
                 Field('product_quantity_refunded', 'i'),
                 Field('product_quantity_reinjected', 'i'), f('product_price'),
                 f('reduction_percent'), f('reduction_amount'),
                 f('reduction_amount_tax_incl'), f('reduction_amount_tax_excl'),
                 f('group_reduction'), f('product_quantity_discount'),
                 Field('product_ean13'), Field('product_isbn'), Field('product_upc'),
                 Field('product_mpn'), Field('product_reference'),
                 Field('product_supplier_reference'), f('product_weight'),
                 Field('tax_name', hidden=True), Field('tax_rate', 'f', hidden=True),
                 Field('tax_computation_method', 'i'), Field('id_tax_rules_group', 'i'),
                 f('ecotax'), f('ecotax_tax_rate'), Field('discount_quantity_applied', 'i'),
                 Field('download_hash'), Field('download_nb', 'i'),
                 Field('download_deadline', 'd')] +
                [f(n) for n in (
                    'unit_price_tax_incl', 'unit_price_tax_excl', 'total_price_tax_incl',
                    'total_price_tax_excl', 'total_shipping_price_tax_excl',
                    'total_shipping_price_tax_incl', 'purchase_supplier_price',
                    'original_product_price', 'original_wholesale_price',
                    'total_refunded_tax_excl', 'total_refunded_tax_incl')]),
            assocs=[Assoc('taxes', 'tax', [('id', None)])]))
        order_carriers = self._add_resource(Resource(
            'order_carriers', 'order_carrier', 'order_carrier', 'id_order_carrier',
            merge_fields(
                [Field('id_order', 'i', xlink='orders'),
                 Field('id_carrier', 'i', xlink='carriers')],
                [Field('id_order', 'i'), Field('id_carrier', 'i'),
                 Field('id_order_invoice', 'i'), f('weight'),
                 f('shipping_cost_tax_excl'), f('shipping_cost_tax_incl'),
                 Field('tracking_number'), Field('date_add', 'd')])))
        histories = self._add_resource(Resource(
            'order_histories', 'order_history', 'order_history', 'id_order_history',
            merge_fields(
                [Field('id_employee', 'i', xlink='employees'),
                 Field('id_order_state', 'i', xlink='order_states'),
                 Field('id_order', 'i', xlink='orders')],
                [Field('id_order', 'i'), Field('id_order_state', 'i'),
                 Field('id_employee', 'i'), Field('date_add', 'd')])))

        plan = []
        for o in sorted(export['orders'], key=lambda o: o['id']):
            oid = o['id']
            cid, transit = carriers[o['carrier']]
            steps, t0 = [], dt(o['date_add'])
            for n, sid in enumerate(STATE_PATHS[state_id(o['state'])]):
                jitter = datetime.timedelta(minutes=(oid * 7 + n * 11) % 50,
                                            seconds=(oid * 13 + n * 17) % 60)
                day = datetime.datetime.combine(t0.date(), datetime.time())
                prev = steps[-1][1] if steps else t0
                if n == 0:
                    when = t0
                elif sid == 3:
                    when = day + datetime.timedelta(days=1, hours=9) + jitter
                elif sid == 4 and 'date_shipped' in o:
                    when = dt(o['date_shipped'])
                elif sid == 4:
                    when = datetime.datetime.combine(prev.date(), datetime.time(15)) + jitter
                elif sid == 5:
                    when = datetime.datetime.combine(prev.date(), datetime.time(11)) + \
                        datetime.timedelta(days=transit) + jitter
                elif sid == 6:
                    when = day + datetime.timedelta(days=7, hours=10) + jitter
                elif sid == 7:
                    when = datetime.datetime.combine(prev.date(), datetime.time(14)) + \
                        datetime.timedelta(days=9) + jitter
                else:
                    when = prev + datetime.timedelta(minutes=1)
                steps.append((sid, when))
            plan.append((o, cid, steps))

        invoices = sorted(((next(w for s, w in steps if STATE[s][4]), o['id'])
                           for o, _, steps in plan if any(STATE[s][4] for s, _ in steps)))
        invoice_no = {oid: n + 1 for n, (_, oid) in enumerate(invoices)}
        slips = sorted(((next(w for s, w in steps if STATE[s][6]), o['id'])
                        for o, _, steps in plan if any(STATE[s][6] for s, _ in steps)))
        delivery_no = {oid: n + 1 for n, (_, oid) in enumerate(slips)}

        detail_id, history_id = 2101, 5201
        for o, cid, steps in plan:
            oid = o['id']
            state = steps[-1][0]
            cust = customers.get(o['customer_email'].lower())
            if cust is None:
                cust = (0, 1, hashlib.md5(o['customer_email'].lower().encode()).hexdigest())
            id_customer, id_lang, secure = cust
            iso = dict(self.langs)[id_lang]
            address = str(id_customer - 260) if id_customer else '0'
            if state in (1,):
                module, payment = 'ps_checkpayment', 'Chèque' if iso == 'fr' else 'Payments by check'
            elif state in (6, 10):
                module, payment = 'ps_wirepayment', 'Virement bancaire' if iso == 'fr' else 'Bank wire'
            elif state == 13:
                module, payment = 'ps_cashondelivery', 'Paiement à la livraison' if iso == 'fr' else 'Cash on delivery'
            else:
                module, payment = 'ps_checkout', 'Carte bancaire' if iso == 'fr' else 'Card payment'
            rows, products_excl, products_incl = [], Decimal(0), Decimal(0)
            invoice_id = str(480 + invoice_no[oid]) if oid in invoice_no else '0'
            refunded = state == 7
            for line in o['lines']:
                pid, product = products.get(line['product_reference'], (0, None))
                qty = int(line['quantity'])
                unit_incl = Decimal(line['unit_price'])
                unit_excl = excl(unit_incl)
                total_incl = unit_incl * qty
                total_excl = excl(total_incl)
                products_excl += total_excl
                products_incl += total_incl
                ean = product['ean13'] if product and product['ean13'] else None
                row = {'id': detail_id, 'id_order': str(oid), 'product_id': str(pid),
                       'product_attribute_id': '0', 'product_quantity_reinjected': '0',
                       'group_reduction': '0.00', 'discount_quantity_applied': '0',
                       'download_hash': '', 'download_deadline': NO_DATE,
                       'id_order_invoice': invoice_id, 'id_warehouse': '0', 'id_shop': '1',
                       'id_customization': '0', 'product_name': line['name'],
                       'product_quantity': str(qty), 'product_quantity_in_stock': str(qty),
                       'product_quantity_return': '0',
                       'product_quantity_refunded': str(qty) if refunded else '0',
                       'product_price': money(unit_excl), 'reduction_percent': '0.00',
                       'reduction_amount': '0.000000',
                       'reduction_amount_tax_incl': '0.000000',
                       'reduction_amount_tax_excl': '0.000000',
                       'product_quantity_discount': '0.000000',
                       # §6: empty codes are NULL in order_detail.
                       'product_ean13': ean, 'product_isbn': None, 'product_upc': None,
                       'product_mpn': None,
                       'product_reference': line['product_reference'] or None,
                       'product_supplier_reference': None, 'product_weight': '0.000000',
                       'tax_name': 'TVA FR 20%', 'tax_rate': '20.000',
                       'tax_computation_method': '0', 'id_tax_rules_group': '1',
                       'ecotax': '0.000000', 'ecotax_tax_rate': '0.000', 'download_nb': '0',
                       'unit_price_tax_incl': money(unit_incl),
                       'unit_price_tax_excl': money(unit_excl),
                       'total_price_tax_incl': money(total_incl),
                       'total_price_tax_excl': money(total_excl),
                       'total_shipping_price_tax_excl': '0.000000',
                       'total_shipping_price_tax_incl': '0.000000',
                       'purchase_supplier_price': '0.000000',
                       'original_product_price': money(unit_excl),
                       'original_wholesale_price': '0.000000',
                       'total_refunded_tax_excl': money(total_excl) if refunded else '0.000000',
                       'total_refunded_tax_incl': money(total_incl) if refunded else '0.000000'}
                details.add(row, taxes=[{'id': '1'}])
                rows.append({k: row[k] for k in (
                    'product_id', 'product_price', 'id_order', 'product_attribute_id',
                    'id_customization', 'product_quantity', 'product_name',
                    'product_reference', 'product_ean13', 'product_isbn', 'product_upc',
                    'unit_price_tax_incl', 'unit_price_tax_excl')} | {'id': str(detail_id)})
                detail_id += 1
            total_paid = Decimal(o['total_paid'])
            shipping_incl = total_paid - products_incl
            discount_incl = Decimal(0)
            if shipping_incl < 0:
                shipping_incl, discount_incl = Decimal(0), -shipping_incl
            shipping_excl = excl(shipping_incl)
            discount_excl = excl(discount_incl)
            paid_excl = products_excl + shipping_excl - discount_excl
            was_paid = any(STATE[s][8] for s, _ in steps)
            inv_date = next((dts(w) for s, w in steps if STATE[s][4]), NO_DATE)
            dlv_date = next((dts(w) for s, w in steps if STATE[s][6]), NO_DATE)
            tracking = o['tracking_number'] or ''
            orders.add({
                'id': oid, 'id_address_delivery': address, 'id_address_invoice': address,
                'id_cart': str(oid + 64), 'id_currency': '1', 'id_lang': str(id_lang),
                'id_customer': str(id_customer), 'id_carrier': str(cid),
                'current_state': str(state), 'module': module,
                'invoice_number': str(invoice_no.get(oid, 0)), 'invoice_date': inv_date,
                'delivery_number': str(delivery_no.get(oid, 0)), 'delivery_date': dlv_date,
                'valid': str(STATE[state][5]), 'date_add': o['date_add'],
                'date_upd': dts(steps[-1][1]), 'shipping_number': tracking,
                'column_shipping_number': '', 'note': None, 'id_shop_group': '1',
                'id_shop': '1', 'secure_key': secure, 'payment': payment,
                'recyclable': '0', 'gift': '0', 'gift_message': '', 'mobile_theme': '0',
                'total_discounts': money(discount_incl),
                'total_discounts_tax_incl': money(discount_incl),
                'total_discounts_tax_excl': money(discount_excl),
                'total_paid': money(total_paid), 'total_paid_tax_incl': money(total_paid),
                'total_paid_tax_excl': money(paid_excl),
                'total_paid_real': money(total_paid if was_paid else 0),
                'total_products': money(products_excl),
                'total_products_wt': money(products_incl),
                'total_shipping': money(shipping_incl),
                'total_shipping_tax_incl': money(shipping_incl),
                'total_shipping_tax_excl': money(shipping_excl), 'carrier_tax_rate': '20.000',
                'total_wrapping': '0.000000', 'total_wrapping_tax_incl': '0.000000',
                'total_wrapping_tax_excl': '0.000000', 'round_mode': '2', 'round_type': '2',
                'conversion_rate': '1.000000', 'reference': o['reference']},
                order_rows=rows)
            order_carriers.add({
                'id': oid - 12, 'id_order': str(oid), 'id_carrier': str(cid),
                'id_order_invoice': invoice_id, 'weight': '0.000000',
                'shipping_cost_tax_excl': money(shipping_excl),
                'shipping_cost_tax_incl': money(shipping_incl),
                'tracking_number': tracking, 'date_add': o['date_add']})
            for n, (sid, when) in enumerate(steps):
                histories.add({'id': history_id, 'id_employee': '0' if n == 0 or sid == 5 else '1',
                               'id_order_state': str(sid), 'id_order': str(oid),
                               'date_add': dts(when)})
                history_id += 1
        for res in (orders, details, order_carriers, histories):
            res.rows.sort(key=lambda r: r['id'])

    def _threads(self, export, customers):
        # Customer service (§6, §10.7): a thread as the contact form
        # (module contactform) opens it with the "Customer service" contact
        # (id 2), the customer's messages from the shop's front office,
        # the replies from the back office by employee 1.  The ids are
        # auto-increments, so they follow the dates: threads from 61,
        # messages from 131.
        v = self.version
        threads = self._add_resource(Resource(
            'customer_threads', 'customer_thread', 'customer_thread', 'id_customer_thread',
            merge_fields(
                [Field('id_lang', 'i', xlink='languages'),
                 Field('id_shop', 'i', xlink='shops'),
                 Field('id_customer', 'i', xlink='customers'),
                 Field('id_order', 'i', xlink='orders'),
                 Field('id_product', 'i', xlink='products')],
                [Field('id_lang', 'i'), Field('id_contact', 'i'), Field('id_shop', 'i'),
                 Field('id_customer', 'i'), Field('id_order', 'i'), Field('id_product', 'i'),
                 Field('email'), Field('token'), Field('status'),
                 Field('date_add', 'd'), Field('date_upd', 'd')]),
            assocs=[Assoc('customer_messages', 'customer_message', [('id', None)])]))
        # 9.0 declares its new id_product between id_employee and
        # id_customer_thread, in the definition and the webservice fields.
        ws = [Field('id_employee', 'i', xlink='employees')]
        definition = [Field('id_employee', 'i')]
        if v == '9':
            ws.append(Field('id_product', 'i', xlink='products'))
            definition.append(Field('id_product', 'i'))
        ws.append(Field('id_customer_thread', 'i', xlink='customer_threads'))
        definition += [Field('id_customer_thread', 'i'), Field('ip_address'),
                       Field('message', 'h'), Field('file_name'), Field('user_agent'),
                       Field('private', 'b'), Field('date_add', 'd'), Field('date_upd', 'd'),
                       Field('read', 'b')]
        messages = self._add_resource(Resource(
            'customer_messages', 'customer_message', 'customer_message', 'id_customer_message',
            merge_fields(ws, definition)))

        export_threads = export.get('threads', [])
        opened = sorted(range(len(export_threads)),
                        key=lambda i: (export_threads[i]['date_add'], i))
        thread_id = {i: 61 + n for n, i in enumerate(opened)}
        posts = sorted((m['date_add'], thread_id[i], j)
                       for i, t in enumerate(export_threads)
                       for j, m in enumerate(t['messages']))
        message_id = {(tid, j): 131 + n for n, (_, tid, j) in enumerate(posts)}
        for i, t in enumerate(export_threads):
            tid, email, msgs = thread_id[i], t['email'], t['messages']
            cust = customers.get(email.lower())
            id_customer, id_lang = (cust[0], cust[1]) if cust else (0, self.lang_ids[0])
            digest = hashlib.sha1(('%s %s' % (email.lower(), t['date_add'])).encode()).digest()
            # Tools::passwdGen(12) in PrestaShop; 12 hex digits here.
            token = digest.hex()[:12]
            # The front office stores (string) ip2long(REMOTE_ADDR); the
            # addresses are from the documentation ranges (RFC 5737).
            customer_ip = str((203 << 24) | (113 << 8) | (1 + digest[12] % 254))
            office_ip = str((198 << 24) | (51 << 16) | (100 << 8) | 24)
            agent = USER_AGENTS[digest[13] % len(USER_AGENTS)]
            ids = sorted(message_id[(tid, j)] for j in range(len(msgs)))
            threads.add({'id': tid, 'id_lang': str(id_lang), 'id_shop': '1',
                         'id_customer': str(id_customer),
                         'id_order': str(t['order_id'] or 0), 'id_product': '0',
                         'id_contact': '2', 'email': email, 'token': token,
                         'status': t['status'], 'date_add': t['date_add'],
                         'date_upd': msgs[-1]['date_add'] if msgs else t['date_add']},
                        customer_messages=[{'id': str(x)} for x in ids])
            for j, m in enumerate(msgs):
                mine = m['from'] == 'customer'
                # Only the back office marks messages read, and only the
                # employee's own (AdminCustomerThreads "mark as read").
                messages.add({'id': message_id[(tid, j)], 'id_employee': '0' if mine else '1',
                              'id_product': '0', 'id_customer_thread': str(tid),
                              'ip_address': customer_ip if mine else office_ip,
                              'message': m['message'], 'file_name': '',
                              'user_agent': agent if mine else '', 'private': '0',
                              'date_add': m['date_add'], 'date_upd': m['date_add'],
                              'read': '0' if mine else '1'})
        for res in (threads, messages):
            res.rows.sort(key=lambda r: r['id'])


# ----------------------------------------------------------------------
# One webservice request
# ----------------------------------------------------------------------

class Request:
    def __init__(self, server, method, path, query, headers, remote):
        self.srv = server
        self.db = server.db
        self.version = server.version
        self.php8 = server.version != '1.7'
        self.http_method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remote = remote
        self.errors = []
        self.status = 200
        self.authenticated = False
        self.output_enabled = True
        self.www_authenticate = False

    # -- errors ------------------------------------------------------

    def error(self, status, message, code):
        self.status = status
        self.errors.append((code, message))

    def php_warning(self, message, file, line, notice_in_php7=True):
        # WebserviceRequest::webserviceErrorHandler in production mode: a
        # warning is code 3, a notice code 5 (PHP 7.4 raised some of PHP 8's
        # warnings as notices).
        if self.srv.dev:
            return
        path = '%s/%s' % (DOCROOT, file)
        if self.php8 or not notice_in_php7:
            self.error(500, '[PHP Warning #2] %s (%s, line %d)' % (message, path, line), 3)
        else:
            self.error(500, '[PHP Notice #8] %s (%s, line %d)' % (message, path, line), 5)

    # -- entry point --------------------------------------------------

    def run(self):
        """Returns (status, [(header, value)], body bytes)."""
        try:
            return self._dispatch()
        except Fatal:
            return 500, [('Content-Type', 'text/html; charset=UTF-8')], b''

    def _dispatch(self):
        # webservice/dispatcher.php
        params = php_parse_qs(self.query)
        if self.path == '/webservice/dispatcher.php':
            url = params.get('url', '')
        else:
            url = self.path[len('/api/'):] if self.path.startswith('/api/') else ''
            if 'url' in params:
                url = params['url']     # .htaccess rewrite keeps the query (QSA)
        if not isinstance(url, str):
            raise Fatal('explode(): Argument #2 ($string) must be of type string')
        params.pop('url', None)
        self.params = params
        method = params.get('ps_method', self.http_method)
        if not isinstance(method, str):
            method = self.http_method
        key = None
        auth = self.headers.get('authorization', '')
        m = re.search(r'Basic\s+(.*)$', auth, re.I)
        if m:
            key = strip_tags(self._b64(m.group(1)).split(':', 1)[0])
        elif 'ws_key' in params:
            key = params['ws_key']
        else:
            if self.http_method == 'OPTIONS' and self.version == '9':
                return 200, [('Access-Control-Allow-Headers', 'Authorization, Content-Type'),
                             ('Content-Type', 'text/html; charset=UTF-8')], b'200 OK'
            return 401, [('WWW-Authenticate', REALM),
                         ('Content-Type', 'text/html; charset=UTF-8')], b'401 Unauthorized'
        if not isinstance(key, str):
            raise Fatal('trim(): Argument #1 ($string) must be of type string')
        return self._fetch(php_trim(key), method, url)

    @staticmethod
    def _b64(text):
        raw = re.sub(rb'[^A-Za-z0-9+/]', b'', text.encode('utf-8', 'surrogateescape'))
        raw = raw[:len(raw) - len(raw) % 4 if len(raw) % 4 == 1 else len(raw)]
        try:
            return base64.b64decode(raw + b'=' * (-len(raw) % 4)).decode('utf-8', 'surrogateescape')
        except ValueError:
            return ''

    def _output_format(self):
        fmt = self.params.get('output_format', 'xml')
        hdrs = {php_header_name(k): v for k, v in self.headers.items()}
        if 'Io-Format' in hdrs:
            fmt = hdrs['Io-Format']
        elif 'Output-Format' in hdrs:
            fmt = hdrs['Output-Format']
        elif 'output_format' in self.params:
            fmt = self.params['output_format']
        elif 'io_format' in self.params:
            fmt = self.params['io_format']
        if not isinstance(fmt, str):
            raise Fatal('strtolower(): Argument #1 ($string) must be of type string')
        return fmt == 'JSON'        # §1.3: case-sensitive

    def _fetch(self, key, method, url):
        # WebserviceRequest::fetch
        t0 = time.time()
        self.json = self._output_format()
        content = None
        ws = self.srv.ws_url(self.headers)
        self.ws = ws
        if self._checks(key):
            self.method = method
            self.segments = url.split('/')
            self.languages = self._languages()
            if not self.errors and self._check_resource() and self._check_method():
                if self.srv.fail_status == 500:
                    # A PHP warning inside the request, as production mode
                    # reports it (§5); the message is one PrestaShop emits.
                    path = '%s/classes/webservice/WebserviceRequest.php' % DOCROOT
                    line = LIST_PARAMS_LINE[self.version]
                    text = 'Trying to access array offset on value of type bool'
                    if self.php8:
                        self.error(500, '[PHP Warning #2] %s (%s, line %d)' % (text, path, line), 3)
                    else:
                        self.error(500, '[PHP Notice #8] %s (%s, line %d)' % (text, path, line), 5)
                else:
                    content = self._execute()
        return self._output(content, t0)

    # -- checks -------------------------------------------------------

    def _checks(self, key):
        if self.srv.fail_status == 503:
            self.error(503, 'The PrestaShop webservice is disabled. Please activate it '
                       'in the PrestaShop Back Office', 22)
            return False
        # authenticate()
        if php_truthy(key) is False:
            self.error(401, 'Authentication key is empty', 17)
        elif len(key.encode('utf-8', 'surrogateescape')) != 32:
            self.error(401, 'Invalid authentication key format', 18)
        elif fold(key) != fold(self.srv.key):
            self.error(401, 'Authentification key is not active', 20)
            self.error(401, 'No permission for this authentication key', 21)
        if self.errors:
            self.www_authenticate = True
            self.status = 401
            return False
        self.authenticated = True
        # groupShopExists(), shopExists(), shopHasRight()
        group = self.params.get('id_shop_group', self.params.get('id_group_shop'))
        if isinstance(group, str) and php_is_numeric(group) and php_intval(group) != 1:
            self.error(500, "This shop group doesn't have shops", 999)
            return False
        shop = self.params.get('id_shop')
        if shop is not None:
            if isinstance(shop, str) and shop != 'all' and php_is_numeric(shop):
                if php_intval(shop) != 1:
                    self.error(403, 'No permission for this key on this shop', 132)
                    return False
            elif shop != 'all':
                self.error(404, 'This shop id does not exist', 999)
                return False
        return True

    def _languages(self):
        # WebserviceRequest::filterLanguage(); ids keep their PHP type
        # (§3.4: strings from Language::getIDs()).
        if 'language' not in self.params:
            return [str(i) for i in self.db.lang_ids]
        value = self.params['language']
        if not isinstance(value, str):
            raise Fatal('strlen(): Argument #1 ($string) must be of type string')
        langs = []
        if php_is_numeric(value):
            langs = [php_intval(value)]
        elif value.startswith('[') and value.endswith(']') and len(value) > 0 and \
                value.find(']') == len(value) - 1:
            inner = value.replace(']', '').replace('[', '')
            if ('|' in value) != (',' in value):
                if '|' in inner:
                    langs = inner.split('|')
                else:
                    rng = inner.split(',')
                    if len(rng) != 2:
                        self.error(400, 'A range value for a language must contains only 2 values', 78)
                        self.error(400, 'language is not available', 81)
                        return []
                    langs = _php_range(rng[0], rng[1])
            else:
                m = re.search(r'\[(\d)+?\]', value, re.A)
                if m:
                    langs = [m.group(1)]
        else:
            self.error(400, 'language value is wrong', 79)
            self.error(400, 'language is not available', 81)
            return []
        flags = [php_is_numeric(x) for x in langs]
        if False in flags and flags.index(False) > 0:
            self.error(400, 'Language ID must be numeric', 80)
            self.error(400, 'language is not available', 81)
            return []
        langs = [x for x in langs if php_intval(x) in self.db.lang_ids]
        if not langs:
            self.error(400, 'language is not available', 81)
        return langs

    def _check_resource(self):
        name = self.segments[0]
        names = [r for r, _ in ALL_RESOURCES[self.version]]
        if name == '':
            return True
        if name in names:
            if name not in self.db.resources:
                self.error(401, 'Resource of type "%s" is not allowed with this '
                           'authentication key' % name, 26)
                return False
            return True
        self.error(400, did_you_mean('Resource of type "%s" does not exists' % name,
                                     name, names), 27)
        return False

    def _check_method(self):
        methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']
        if self.php8:
            methods.insert(3, 'PATCH')
        name = self.segments[0]
        if self.method not in methods:
            self.error(405, 'Method %s is not valid' % self.method, 23)
        elif self.method in FORBIDDEN.get(name, ()):
            self.error(405, 'Method %s is not allowed for the resource %s' % (self.method, name), 101)
        elif name and self.method not in ('GET', 'HEAD'):
            self.error(405, 'Method %s is not allowed for the resource %s with this '
                       'authentication key' % (self.method, name), 25)
        else:
            return True
        return False

    # -- GET and HEAD ---------------------------------------------------

    def _execute(self):
        name = self.segments[0]
        if name == '':
            return ('resources', None)
        res = self.db.resources[name]
        self.res = res
        if len(self.segments) < 2 or self.segments[1] == '':
            return self._list(res)
        return self._details(res)

    def _details(self, res):
        # getFilteredObjectDetails()
        ftd = self._fields_to_display(res, default='full')
        if ftd is False:
            return None
        row = res.by_id.get(php_intval(self.segments[1]))
        if row is None:
            self.status = 404
            self.output_enabled = False
            return None
        return ('objects', (res, [row], ftd, 'details', None))

    def _list(self, res):
        # getFilteredObjectList()
        plan = self._manage_filters(res)
        schema = self.params.get('schema')
        if plan is False:
            # $filters['sql_join'] ... $filters['sql_limit'] on false, one
            # statement a line.
            for n in range(4):
                self.php_warning('Trying to access array offset on value of type bool',
                                 'classes/webservice/WebserviceRequest.php',
                                 LIST_PARAMS_LINE[self.version] + n)
            return None
        if plan == 'schema':
            if schema == 'synopsis':
                raise NotImplementedError('schema=synopsis')
            return ('objects', (res, [], 'full', 'details', 'blank'))
        try:
            rows = self._query(res, plan)
        except SqlError:
            rows = []
        return ('objects', (res, rows, plan['display'], 'list', None))

    def _fields_to_display(self, res, default):
        # setFieldsToDisplay()
        if 'display' not in self.params:
            return default
        d = self.params['display']
        if not isinstance(d, str):
            raise Fatal('preg_match(): Argument #2 ($subject) must be of type string')
        if d in ('full', 'minimum'):
            return d
        names = ', '.join(f.name for f in res.fields)
        m = re.match(r'\[(.*?)\]$', d)
        if not m:
            self.error(400, "The 'display' syntax is wrong. You can set 'full' or "
                       "'[field_1,field_2,field_3,...]'. These are available: " + names, 36)
            return False
        fields = parse_display_fields(m.group(1))
        assocs = {a.name: a for a in res.assocs}
        for fname, part in fields.items():
            if part is None:
                error = fname not in res.by_name
            else:
                if self.php8 and not res.assocs:
                    raise Fatal('array_key_exists(): Argument #2 ($array) must be of type array')
                error = fname not in assocs
                for sub in part:
                    if sub == 'id':
                        continue
                    if error or assocs[fname].fields is None:
                        if self.php8:
                            raise Fatal('array_key_exists(): Argument #2 ($array) must be of type array')
                        error = True
                        break
                    if sub not in [n for n, _ in assocs[fname].fields]:
                        error = True
                        break
            if error:
                detail = ' (details : %s)' % var_export_list(part) if part is not None else ''
                self.error(400, 'Unable to display this field "%s%s". However, these are '
                           'available: %s' % (fname, detail, names), 35)
                return False
        return fields

    def _manage_filters(self, res):
        p = self.params
        available = [f.name for f in res.fields if not f.hidden and not f.lang]
        i18n = [f.name for f in res.fields if not f.hidden and f.lang]
        fields = dict(res.by_name)
        if php_truthy(p.get('date')):
            for n in ('date_add', 'date_upd'):
                if n not in available:
                    available.append(n)
                if n not in fields:
                    fields[n] = Field(n, 'd', column=False)
        else:
            available = [n for n in available if n not in ('date_add', 'date_upd')]
        plan = {'conds': [], 'i18n': [], 'joins': 0, 'sort': [], 'limit': None,
                'error': False}
        if p:
            if 'schema' in p:
                if p['schema'] in ('blank', 'synopsis'):
                    return 'schema'
                self.error(400, "Please select a schema of type 'synopsis' to get the whole "
                           "schema informations (which fields are required, which kind of "
                           "content...) or 'blank' to get an empty schema to fill before "
                           "using POST request", 28)
                return False
            if 'filter' in p:
                filters = p['filter']
                if not isinstance(filters, dict):
                    self.php_warning('foreach() argument must be of type array|object, string given'
                                     if self.php8 else 'Invalid argument supplied for foreach()',
                                     'classes/webservice/WebserviceRequest.php',
                                     FILTER_FOREACH_LINE[self.version], notice_in_php7=False)
                    filters = {}
                for fname, value in filters.items():
                    fname = str(fname)
                    if fname in ('sort', 'limit'):
                        continue
                    if fname not in available:
                        if value != '' and fname in i18n:
                            values = list(value.values()) if isinstance(value, dict) else [value]
                            plan['joins'] += 1
                            for val in values:
                                plan['i18n'].append((fields[fname], self._predicate(fields[fname], val)))
                        elif isinstance(value, dict):
                            self.error(400, 'There is no existing linked table for this resource', 31)
                            return False
                        else:
                            self.error(400, did_you_mean('This filter does not exist', fname,
                                                         available), 32)
                            return False
                    elif value == '':
                        self.error(400, 'The filter "%s" is malformed.' % fname, 33)
                        return False
                    elif fields[fname].getter:
                        self.error(400, 'The field "%s" is dynamic. It is not possible to '
                                   'filter GET query with this field.' % fname, 34)
                        return False
                    else:
                        plan['conds'].append((fields[fname], self._predicate(fields[fname], value)))
        ftd = self._fields_to_display(res, default='minimum')
        if ftd is False:
            return False
        plan['display'] = ftd
        if 'sort' in p:
            s = p['sort']
            if not isinstance(s, str):
                raise Fatal('preg_match(): Argument #2 ($subject) must be of type string')
            m = re.match(r'\[(.*?)\]$', s)
            for key in (m.group(1).split(',') if m else [s]):
                pos = key.rfind('_')
                fname, direction = key[:pos], key[pos + 1:].upper()
                if pos < 0 or direction not in ('ASC', 'DESC'):
                    self.error(400, 'The "sort" value has to be formed as this example: '
                               '"field_ASC" or \'[field_1_DESC,field_2_ASC,field_3_ASC,...]\' '
                               '("field" has to be an available field)', 37)
                    return False
                if fname not in available and fname not in i18n:
                    self.error(400, 'Unable to filter by this field. However, these are '
                               'available: %s, for i18n fields:%s'
                               % (', '.join(available), ', '.join(i18n)), 38)
                    return False
                field = fields[fname]
                if fname in i18n:
                    plan['sort_join'] = True
                    qualified = True
                else:
                    qualified = res.shop_asso == 'shop' and (field.shop or fname == 'id')
                plan['sort'].append((field, direction == 'DESC', qualified))
        if 'limit' in p:
            lim = p['limit']
            if not isinstance(lim, str):
                raise Fatal('explode(): Argument #2 ($string) must be of type string')
            parts = lim.split(',')
            if len(parts) > 2:
                self.error(400, 'The "limit" value has to be formed as this example: '
                           '"5,25" or "10"', 39)
                return False
            plan['limit'] = [php_intval(x) for x in parts]
        return plan

    def _predicate(self, field, value):
        if not isinstance(value, str):
            raise Fatal('preg_match(): Argument #2 ($subject) must be of type string')
        pred = make_predicate(Column(field.kind), value)
        if pred is not None and not field.column:
            self.sql_error = True
        return pred

    def _query(self, res, plan):
        if getattr(self, 'sql_error', False) or plan['joins'] > 1:
            raise SqlError('unknown column or "Not unique table/alias"')
        joined = plan['joins'] or plan.get('sort_join')
        for field, _, qualified in plan['sort']:
            if field.name == 'id':
                continue
            if not field.column:
                raise SqlError("Unknown column '%s' in 'order clause'" % field.name)
            if joined and not qualified and field.name in res.lang_cols:
                raise SqlError("Column '%s' in order clause is ambiguous" % field.name)
        if joined and any(f.name == 'id' and not q for f, _, q in plan['sort']) \
                and res.primary in res.lang_cols:
            raise SqlError("Column '%s' in order clause is ambiguous" % res.primary)
        lang_filter = [php_intval(x) for x in self.languages]
        rows = []
        for row in res.rows:
            if not all(pred is None or pred(self._sql_value(row, f)) for f, pred in plan['conds']):
                continue
            if plan['i18n']:
                if not any(all(pred is None or pred(row[f.name].get(lid)) for f, pred in plan['i18n'])
                           for lid in lang_filter):
                    continue
            rows.append(row)
        for field, desc, _ in reversed(plan['sort']):
            col = Column(field.kind)
            # DISTINCT over the joined _lang rows leaves MySQL free to pick
            # any language's value; take the first language shown.
            first = php_intval(self.languages[0])

            def key(row, field=field, col=col, first=first):
                v = row[field.name] if field.name != 'id' else row['id']
                if field.lang:
                    v = v.get(first)
                elif field.getter:
                    v = row.get('column_' + field.name, v)
                if v is None:
                    return (0, 0)
                return (1, col.key(v) if not isinstance(v, int) else v)
            rows.sort(key=key, reverse=desc)
        if plan['limit'] is not None:
            lim = plan['limit']
            if any(x < 0 for x in lim):
                raise SqlError('You have an error in your SQL syntax')
            rows = rows[:lim[0]] if len(lim) == 1 else rows[lim[0]:lim[0] + lim[1]]
        return rows

    @staticmethod
    def _sql_value(row, field):
        v = row.get(field.name) if field.name != 'id' else row['id']
        return str(v) if isinstance(v, int) else v

    # -- output -------------------------------------------------------

    def _output(self, content, t0):
        body = b''
        if not self.errors and content is not None:
            kind, payload = content
            if kind == 'resources':
                text = self._render_resources()
            else:
                text = self._render_objects(*payload)
            if text is not None:
                body = text
        if self.errors:
            body = self._render_errors()
            self.output_enabled = True
        headers = []
        if self.www_authenticate:
            headers.append(('WWW-Authenticate', REALM))
        headers.append(('Access-Time', str(int(time.time()))))
        headers.append(('X-Powered-By', 'PrestaShop Webservice'))
        if self.version == '1.7' or self.authenticated:
            headers.append(('PSWS-Version', PS_VERSIONS[self.version]))
        else:
            headers.append(('PSWS-Version', '0'))
        data = body.encode('utf-8', 'surrogateescape') if isinstance(body, str) else body
        if not self.output_enabled:
            data = b''
        if data:
            headers.append(('Content-Type', 'application/json' if self.json
                            else 'text/xml;charset=UTF-8'))
        elapsed = round(time.time() - t0, 3)
        headers.append(('Execution-Time', str(int(elapsed)) if elapsed == int(elapsed)
                        else repr(elapsed)))
        sha1 = None
        if data and not self.errors:
            sha1 = hashlib.sha1(data).hexdigest()
            headers.append(('Content-Sha1', sha1))
        if sha1 is not None and self.headers.get('local-content-sha1') == sha1:
            return 304, headers, b''
        return self.status, headers, data

    def _render_errors(self):
        if self.json:
            content = {'errors': [{'code': c, 'message': m} for c, m in self.errors]}
            if self.php8:
                content = {k: array_filter(v) for k, v in content.items()}
            return php_json(content) or ''
        out = '<errors>\n'
        for code, message in self.errors:
            out += '<error>\n<code><![CDATA[%s]]></code>\n<message><![CDATA[%s]]></message>\n' \
                   '</error>\n' % (code, message)
        return xml_envelope(out + '</errors>\n')

    def _render_resources(self):
        names = [(n, d) for n, d in ALL_RESOURCES[self.version] if n in self.db.resources]
        if self.json:
            if self.php8:
                raise Fatal('array_filter(): Argument #1 ($array) must be of type array')
            return php_json(dict(enumerate(n for n, _ in names))) or ''
        out = '<api shopName="%s">\n' % html_escape(self.db.shop_name)
        for name, desc in names:
            attrs = ' xlink:href="%s%s" get="true" put="false" post="false"%s delete="false" ' \
                    'head="true"' % (self.ws, name, ' patch="false"' if self.php8 else '')
            out += '<%s%s>\n<description%s>\n%s</description>\n' % (name, attrs, attrs, desc)
            out += '<schema xlink:href="%s%s?schema=blank" type="blank"/>\n' % (self.ws, name)
            out += '<schema xlink:href="%s%s?schema=synopsis" type="synopsis"/>\n' % (self.ws, name)
            out += '</%s>\n' % name
        return xml_envelope(out + '</api>\n')

    def _render_objects(self, res, rows, ftd, view, schema):
        display = 'display' in self.params
        if self.json:
            content = {}
            first = True
            for row in rows:
                if ftd == 'minimum':
                    content.setdefault(res.name, []).append({'id': row['id']})
                    continue
                entity = self._json_entity(res, row, ftd, schema)
                if not entity and first:
                    entity = None
                first = False
                if display:
                    content.setdefault(res.name, []).append(entity)
                else:
                    content[res.node] = entity
            if schema and not rows:
                entity = self._json_entity(res, None, 'full', schema)
                if display:
                    content.setdefault(res.name, []).append(entity)
                else:
                    content[res.node] = entity
            if self.php8:
                content = {k: array_filter(v) for k, v in content.items()}
            text = php_json(content)
            return '' if text is None else text
        out = ''
        if view == 'list':
            out += '<%s>\n' % res.name
        if schema:
            out += self._xml_entity(res, None, 'full', schema)
        for row in rows:
            if ftd == 'minimum':
                out += '<%s id="%d" xlink:href="%s%s/%d"/>\n' % (
                    res.node, row['id'], self.ws, res.name, row['id'])
            else:
                out += self._xml_entity(res, row, ftd, schema)
        if view == 'list':
            out += '</%s>\n' % res.name
        return xml_envelope(out)

    # Fields of one entity after WebserviceOutputBuilder::renderField().
    def _fields(self, res, row, ftd, schema):
        for f in res.fields:
            if ftd != 'full' and f.name not in ftd:
                continue
            if f.hidden:
                continue
            if schema == 'blank' and not f.setter:
                continue
            xlink = f.xlink
            if schema:
                value, xlink = '', None
            else:
                value = row[f.name]
            sql_id = res.primary if f.name == 'id' else f.name
            if sql_id.startswith('id_') and not php_truthy(value):
                if value is None:
                    value = ''
                if not schema:
                    xlink = None
            yield f, ('id' if f.name == 'id' else f.name), value, xlink

    def _assoc_blocks(self, res, row, ftd, schema):
        if not res.assocs:
            return None
        if ftd != 'full' and not any(isinstance(v, list) for v in ftd.values()):
            return None
        blocks = []
        resources = {n for n, _ in ALL_RESOURCES[self.version]}
        for a in res.assocs:
            if ftd != 'full' and a.name not in ftd:
                continue
            rows = [None] if schema else res.assoc_rows.get((a.name, row['id']), [])
            out_rows = []
            for arow in rows:
                link = None
                if a.name in resources and not schema:
                    if a.name == 'images':
                        link = '%s%s/%s/%s/%s' % (self.ws, a.name, res.name, row['id'], arow['id'])
                    else:
                        link = '%s%s/%s' % (self.ws, a.name, arow['id'])
                fields = a.fields if a.fields is not None else [(0, None)]
                values = []
                for fname, fxlink in fields:
                    if ftd != 'full':
                        eq = php_loose_eq if self.php8 else php_loose_eq7
                        if not any(eq(fname, s) for s in ftd[a.name]):
                            continue
                    key = 'id' if fname == 0 else fname
                    value = None if arow is None else arow.get(key)
                    values.append((key, value, None if schema else fxlink))
                out_rows.append((link, values))
            blocks.append((a, out_rows))
        return blocks

    def _json_entity(self, res, row, ftd, schema):
        entity = {}
        for f, key, value, _ in self._fields(res, row, ftd, schema):
            if f.lang and isinstance(value, dict):
                items = [{'id': lang, 'value': value.get(php_intval(lang))}
                         for lang in self.languages]
                value = items[0]['value'] if len(items) == 1 else items
            entity[key] = value
        blocks = self._assoc_blocks(res, row, ftd, schema)
        for a, out_rows in blocks or ():
            for _, values in out_rows:
                if values:
                    entity.setdefault('associations', {}).setdefault(a.name, []).append(
                        {k: v for k, v, _ in values})
        return entity

    def _xml_entity(self, res, row, ftd, schema):
        out = '<%s>\n' % res.node
        for f, key, value, xlink in self._fields(res, row, ftd, schema):
            out += '\t<%s' % key
            if f.lang:
                out += '>'
                for lang in self.languages:
                    more = ''
                    if isinstance(value, dict):
                        more = ' xlink:href="%slanguages/%s"' % (self.ws, lang)
                    v = value.get(php_intval(lang)) if isinstance(value, dict) else None
                    out += '<language id="%s"%s><![CDATA[%s]]></language>' % (
                        lang, more, php_str(v))
            else:
                if xlink is not None:
                    if isinstance(xlink, tuple):
                        sub = '%s/%s/' % (xlink[1], row['id']) if xlink[1] else ''
                        out += ' xlink:href="%s%s/%s%s"' % (self.ws, xlink[0], sub, php_str(value))
                    else:
                        out += ' xlink:href="%s%s/%s"' % (self.ws, xlink, php_str(value))
                if f.getter and schema != 'blank':
                    out += ' notFilterable="true"'
                out += '><![CDATA[%s]]>' % php_str(value)
            out += '</%s>\n' % key
        blocks = self._assoc_blocks(res, row, ftd, schema)
        if blocks is not None:
            out += '<associations>\n'
            for a, out_rows in blocks:
                head = '<%s' % a.name
                if schema != 'blank':
                    head += ' nodeType="%s"' % a.resource
                    head += ' virtualEntity="true"' if a.virtual else ' api="%s"' % (a.api or a.name)
                if not out_rows:
                    out += head + '/>\n'
                    continue
                out += head + '>\n'
                for link, values in out_rows:
                    out += '\t<%s%s>\n' % (a.resource, ' xlink:href="%s"' % link if link else '')
                    for key, value, fxlink in values:
                        href = ' xlink:href="%s%s/%s"' % (self.ws, fxlink, php_str(value)) \
                            if fxlink else ''
                        out += '\t<%s%s><![CDATA[%s]]></%s>\n' % (key, href, php_str(value), key)
                    out += '\t</%s>\n' % a.resource
                out += '</%s>\n' % a.name
            out += '</associations>\n'
        return out + '</%s>\n' % res.node


def parse_display_fields(s):
    # WebserviceRequest::parseDisplayFields
    level, parts, tmp = 0, [], ''
    for c in s:
        if c == ',' and level == 0:
            parts.append(tmp)
            tmp = ''
        else:
            tmp += c
        if c == '[':
            level += 1
        if c == ']':
            level -= 1
    if tmp != '':
        parts.append(tmp)
    fields = {}
    for part in parts:
        lb = part.find('[')
        name = php_trim(part if lb < 0 else part[:lb])
        fields.setdefault(name, None)
        if lb >= 0:
            sub = part[lb + 1:len(part) - 1] if len(part) - lb - 2 >= 0 else ''
            subs = sub.split(',') if ',' in sub else [sub]
            fields[name] = (fields[name] or []) + subs
    return fields


def _php_range(a, b):
    # for ($i = $a; $i <= $b; ++$i) with PHP 8 comparisons, capped.
    out, i = [], a
    for _ in range(1000):
        if php_is_numeric(i) and php_is_numeric(b):
            if float(i) > float(b):
                break
        elif str(i) > str(b):
            break
        out.append(i)
        if php_is_numeric(i):
            i = php_intval(i) + 1 if float(i) == int(float(i)) else float(i) + 1
        else:
            i = _perl_increment(i)
    return out


def _perl_increment(s):
    if not s:
        return '1'
    chars = list(s)
    i = len(chars) - 1
    while i >= 0:
        c = chars[i]
        if c == 'z':
            chars[i] = 'a'
        elif c == 'Z':
            chars[i] = 'A'
        elif c == '9':
            chars[i] = '0'
        elif c.isalnum() and c.isascii():
            chars[i] = chr(ord(c) + 1)
            return ''.join(chars)
        else:
            return ''.join(chars)
        i -= 1
    first = s[0]
    return ('a' if first == 'z' else 'A' if first == 'Z' else '1') + ''.join(chars)


def html_escape(s):
    return (s.replace('&', '&amp;').replace('"', '&quot;').replace("'", '&#039;')
            .replace('<', '&lt;').replace('>', '&gt;'))


def xml_envelope(content):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            + content + '</prestashop>\n')


# ----------------------------------------------------------------------
# HTTP server
# ----------------------------------------------------------------------

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def ws_url(self, headers):
        host = headers.get('x-forwarded-host') or headers.get('host') or \
            '127.0.0.1:%d' % self.server_address[1]
        return 'http://%s/api/' % host


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # Headers and body are two writes: with Nagle, the body would wait for
    # the client's delayed ACK, 40 ms a request on a kept-alive connection.
    disable_nagle_algorithm = True

    def version_string(self):
        return 'Apache'

    def _handle(self):
        if self.server.delay:
            time.sleep(self.server.delay)
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        # http.server decodes the request line as ISO-8859-1; PHP sees bytes.
        raw = self.path.encode('latin-1').decode('utf-8', 'surrogateescape')
        path, _, query = raw.partition('?')
        if path not in ('/api', '/webservice/dispatcher.php') and not path.startswith('/api/'):
            self._send(404, [('Content-Type', 'text/html; charset=UTF-8')], b'')
            return
        if self.server.fail_status not in (None, 500, 503):
            self._send(self.server.fail_status, [('Content-Type', 'text/plain')], b'')
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(self.server, self.command, path, query, headers, self.client_address[0])
        try:
            status, hdrs, body = req.run()
        except NotImplementedError as e:
            status, hdrs, body = 501, [('Content-Type', 'text/plain')], \
                ('%s is not implemented by this test server\n' % e).encode()
        self._send(status, hdrs, body)

    def _send(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD' and status != 304:
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write('%s: %s %s\n' % (PROG, self.client_address[0], fmt % args))


def main(argv):
    ap = argparse.ArgumentParser(
        prog=PROG, description='PrestaShop Webservice test server (loopback only).')
    ap.add_argument('-d', '--data', required=True, metavar='FILE', help='shop-export JSON file')
    ap.add_argument('-p', '--port', required=True, type=int, metavar='N',
                    help='TCP port on 127.0.0.1 (0: any free port)')
    ap.add_argument('-V', '--version', default='8', choices=sorted(PS_VERSIONS),
                    help='PrestaShop version to behave as (default 8)')
    ap.add_argument('-k', '--key', default=DEFAULT_KEY,
                    help='the 32-character webservice key (default %s)' % DEFAULT_KEY)
    ap.add_argument('-D', '--delay', type=float, default=0, metavar='SECONDS',
                    help='wait this long before answering each request')
    ap.add_argument('-f', '--fail-status', type=int, metavar='CODE',
                    help='answer every request with this status (500: a PHP warning, '
                    '503: webservice disabled, other: empty body)')
    ap.add_argument('--dev', action='store_true',
                    help='behave as in dev mode (display_errors on: no PHP warnings)')
    ap.add_argument('-v', '--verbose', action='store_true', help='log requests on stderr')
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return EX_USAGE if e.code else 0
    if len(args.key.encode()) != 32:
        sys.stderr.write('%s: the key must be 32 characters long\n' % PROG)
        return EX_USAGE
    if args.fail_status is not None and not 100 <= args.fail_status <= 599:
        sys.stderr.write('%s: --fail-status must be an HTTP status\n' % PROG)
        return EX_USAGE
    try:
        db = Database(load_export(args.data), args.version)
    except DataError as e:
        sys.stderr.write('%s: %s\n' % (PROG, e))
        return EX_DATAERR
    try:
        server = Server(('127.0.0.1', args.port), Handler)
    except OSError as e:
        sys.stderr.write('%s: cannot listen on 127.0.0.1:%d: %s\n' % (PROG, args.port, e.strerror))
        return 69
    server.db, server.version, server.key = db, args.version, args.key
    server.delay, server.fail_status = args.delay, args.fail_status
    server.verbose, server.dev = args.verbose, args.dev

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write('listening 127.0.0.1:%d\n' % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.05)
    server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
