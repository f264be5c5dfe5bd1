#!/usr/bin/env python3
# shop-baseline.py URL [FILE]: the baseline of bench/shop.sh, "a plain
# keep-alive client, no cache".  For each envelope (JSON Lines, FILE or
# stdin) it asks a PrestaShop Webservice what owi-shop(1) asks, with the
# recipes of shared/specs/prestashop-webservice.md §10, over one
# http.client connection and without keeping any answer:
#   orders by reference (display=full), then by id, then by tracking
#   number (order_carriers, then the orders), each skipped when an order
#   already found answers it; the sender's recent orders when none did;
#   for each order found its order_histories and its carrier;
#   the sender as a customer (by e-mail) and their orders;
#   each product reference with its stock_availables.
# It prints one line per envelope, {"id", "orders": [ids], "products":
# [references]}, for bench/shop.sh to check against owi-shop.  The key is
# OWI_SHOP_KEY.  Only the Python standard library is used.

import base64
import http.client
import json
import os
import sys
import urllib.parse

RECENT = 3      # owi-shop's recent_orders default


class Client:
    def __init__(self, url, key):
        u = urllib.parse.urlsplit(url)
        self.path = u.path if u.path.endswith('/') else u.path + '/'
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=10)
        self.auth = 'Basic ' + base64.b64encode((key + ':').encode()).decode()

    def get(self, resource, **params):
        """The JSON of GET resource?params; None for a 404."""
        q = urllib.parse.urlencode(dict(params, output_format='JSON'), safe='[]|,')
        self.conn.request('GET', '%s%s?%s' % (self.path, resource, q),
                          headers={'Authorization': self.auth})
        r = self.conn.getresponse()
        body = r.read()
        if r.status == 404:
            return None
        if r.status != 200:
            sys.exit('shop-baseline.py: GET %s: HTTP %d' % (resource, r.status))
        return json.loads(body)

    def rows(self, resource, **params):
        d = self.get(resource, **params)
        # §3.1: no match is [], a match {"<plural>": [...]}.
        return d.get(resource, []) if isinstance(d, dict) else []


def values(env, kind):
    return [x['value'] if isinstance(x, dict) else x
            for x in env.get('entities', {}).get(kind, [])]


def lookup(c, env):
    sender = env.get('message', {}).get('from', {}).get('address', '').lower()
    orders = {}

    def take(found):
        for o in found:
            orders.setdefault(o['id'], o)

    def answered(kind, v):
        key = {'order_reference': 'reference', 'tracking_number': 'shipping_number'}.get(kind)
        return any((str(o['id']) if key is None else o.get(key) or '').lower() == v.lower()
                   for o in orders.values())

    for ref in values(env, 'order_reference'):
        if not answered('order_reference', ref):
            take(c.rows('orders', **{'filter[reference]': '[%s]' % ref,
                                     'display': 'full', 'sort': '[id_DESC]'}))
    for oid in values(env, 'order_id'):
        if oid.isdigit() and not answered('order_id', oid):
            d = c.get('orders/%s' % oid, display='full')
            take(d['orders'] if d else [])
    for tn in values(env, 'tracking_number'):
        if not answered('tracking_number', tn):
            ids = [r['id_order'] for r in c.rows(
                'order_carriers', **{'filter[tracking_number]': '[%s]' % tn,
                                     'display': '[id_order]'})]
            if ids:
                take(c.rows('orders', **{'filter[id]': '[%s]' % '|'.join(ids),
                                         'display': 'full', 'sort': '[id_DESC]'}))
    customers = c.rows('customers', **{
        'filter[email]': '[%s]' % sender,
        'display': '[id,firstname,lastname,email,is_guest]'}) if sender else []
    ids = '|'.join(str(x['id']) for x in customers)
    if not orders and ids:
        take(c.rows('orders', **{'filter[id_customer]': '[%s]' % ids, 'display': 'full',
                                 'sort': '[id_DESC]', 'limit': RECENT}))
    for o in orders.values():
        c.rows('order_histories', **{'filter[id_order]': '[%s]' % o['id'],
                                     'display': 'full', 'sort': '[id_ASC]'})
        if o['id_carrier'] not in ('', '0'):
            c.get('carriers/%s' % o['id_carrier'])
    if ids:
        c.rows('orders', **{'filter[id_customer]': '[%s]' % ids,
                            'display': '[id,reference,current_state,total_paid,payment,date_add]',
                            'sort': '[id_DESC]', 'limit': 20})
    products = []
    for ref in values(env, 'product_reference'):
        for p in c.rows('products', **{'filter[reference]': '[%s]' % ref,
                                       'display': '[id,reference,name,price]'}):
            c.rows('stock_availables', **{'filter[id_product]': '[%s]' % p['id'],
                                          'display': 'full'})
            products.append(p['reference'])
    return {'id': env.get('id'), 'orders': sorted(orders), 'products': products}


def main(argv):
    if len(argv) not in (1, 2) or 'OWI_SHOP_KEY' not in os.environ:
        sys.stderr.write('usage: OWI_SHOP_KEY=KEY shop-baseline.py URL [FILE]\n')
        return 64
    c = Client(argv[0], os.environ['OWI_SHOP_KEY'])
    with open(argv[1], encoding='utf-8') if len(argv) == 2 else sys.stdin as f:
        for line in f:
            sys.stdout.write(json.dumps(lookup(c, json.loads(line))) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
