#!/usr/bin/env python3
# woocommerce.py: a WooCommerce REST API v3 to run owi-shop's tests against.
#
# It serves the same shop-export file as prestashop.py, at
# http://127.0.0.1:PORT/wp-json/wc/v3/ (and ?rest_route=/wc/v3/...),
# following §12 of shared/specs/prestashop-webservice.md: orders (list,
# ?search=, ?customer=, ?status=, one order, its notes), products (?sku=)
# and customers (?email=), consumer key and secret as HTTP Basic or as
# consumer_key/consumer_secret query parameters, tracking numbers in
# meta_data the way the Shipment Tracking extension stores them.
#
# Leniency, on purpose: a real shop only accepts Basic authentication over
# HTTPS (over HTTP it wants OAuth 1.0a signatures); this loopback server
# accepts Basic over plain HTTP.
#
# Dates, ids and totals come from prestashop.py's database so that both
# servers describe the same orders.  Standard library only; loopback only;
# "listening 127.0.0.1:PORT" on stdout; exits 0 on SIGTERM.

import argparse
import base64
import datetime
import hashlib
import http.server
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from decimal import Decimal, ROUND_HALF_UP

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prestashop as ps  # noqa: E402

PROG = 'woocommerce.py'
WC_VERSION = '9.3.3'
DEFAULT_KEY = 'ck_0123456789abcdef0123456789abcdef01234567'
DEFAULT_SECRET = 'cs_0123456789abcdef0123456789abcdef01234567'
STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled',
            'refunded', 'failed', 'checkout-draft']
STATUS_LABELS = {'pending': 'Pending payment', 'processing': 'Processing',
                 'on-hold': 'On hold', 'completed': 'Completed',
                 'cancelled': 'Cancelled', 'refunded': 'Refunded', 'failed': 'Failed',
                 'checkout-draft': 'Draft'}

# PrestaShop's default states (§8) as WooCommerce statuses: payment awaited
# by wire, cheque or cash is "on-hold", paid and not shipped "processing",
# shipped or delivered "completed" (core has no shipped status).
WC_STATUS = {1: 'on-hold', 2: 'processing', 3: 'processing', 4: 'completed',
             5: 'completed', 6: 'cancelled', 7: 'refunded', 8: 'failed',
             9: 'processing', 10: 'on-hold', 11: 'processing', 12: 'on-hold',
             13: 'on-hold'}
PAYMENT = {'ps_wirepayment': ('bacs', 'Virement bancaire'),
           'ps_checkpayment': ('cheque', 'Chèque'),
           'ps_cashondelivery': ('cod', 'Paiement à la livraison'),
           'ps_checkout': ('stripe', 'Carte bancaire')}
# Shipment Tracking's provider slugs.
PROVIDERS = {'colissimo': 'colissimo', 'chronopost': 'chronopost',
             'mondial relay': 'mondial-relay', 'dpd': 'dpd-fr', 'ups': 'ups',
             'dhl express': 'dhl-express'}
ADDRESSES = [
    ('12 rue des Lilas', '', 'Paris', '75011'),
    ('4 place Bellecour', 'Bâtiment B', 'Lyon', '69002'),
    ('27 avenue Jean Médecin', '', 'Nice', '06000'),
    ('8 rue Sainte-Catherine', '', 'Bordeaux', '33000'),
    ('15 quai de la Fosse', 'Appartement 12', 'Nantes', '44000'),
    ('3 rue du Vieux-Marché', '', 'Rouen', '76000'),
    ('41 boulevard de la Liberté', '', 'Lille', '59800'),
    ('9 rue Royale', '', 'Strasbourg', '67000'),
]
COUNTRIES = {'fr': 'FR', 'be': 'BE', 'ch': 'CH', 'lu': 'LU', 'uk': 'GB', 'com': 'US',
             'de': 'DE', 'es': 'ES', 'it': 'IT'}
FOREIGN = {'GB': ('221B Baker Street', '', 'London', 'NW1 6XE'),
           'US': ('350 Fifth Avenue', 'Suite 3300', 'New York', '10118'),
           'BE': ('Rue Neuve 111', '', 'Bruxelles', '1000')}


def wc_json(value):
    # wp_json_encode(): default flags, so non-ASCII as \uXXXX and "\/".
    return json.dumps(value, ensure_ascii=True, separators=(',', ':')).replace('/', '\\/')


def money(x, dp=2):
    return str(Decimal(x).quantize(Decimal(1).scaleb(-dp), ROUND_HALF_UP))


def paris_offset(d):
    # Europe/Paris: UTC+2 from the last Sunday of March to the last Sunday
    # of October (at 01:00 UTC), UTC+1 otherwise.
    def last_sunday(month):
        day = datetime.date(d.year, month, 31)
        return day - datetime.timedelta(days=(day.weekday() + 1) % 7)
    start = datetime.datetime.combine(last_sunday(3), datetime.time(2))
    end = datetime.datetime.combine(last_sunday(10), datetime.time(3))
    return 2 if start <= d < end else 1


def iso(s):
    return None if s is None else s.replace(' ', 'T')


def iso_gmt(s):
    if s is None:
        return None
    d = ps.dt(s)
    return (d - datetime.timedelta(hours=paris_offset(d))).strftime('%Y-%m-%dT%H:%M:%S')


class Shop:
    """WooCommerce objects built from prestashop.py's database."""

    def __init__(self, export, order_number):
        db = ps.Database(export, '8')
        r = db.resources
        self.domain = export['shop']['domain']
        self.customers, self.customer_by_ps = [], {}
        customers_ps = r['customers'].rows
        paying = set()
        for o in r['orders'].rows:
            if o['total_paid_real'] != '0.000000':
                paying.add(int(o['id_customer']))
        for i, c in enumerate(customers_ps):
            uid = 12 + i
            self.customer_by_ps[c['id']] = uid
            self.customers.append(self._customer(uid, i, c, c['id'] in paying))
        products_ps = r['products'].rows
        sold = {}
        for d in r['order_details'].rows:
            sold[d['product_id']] = sold.get(d['product_id'], 0) + int(d['product_quantity'])
        self.products = [self._product(p, sold.get(str(p['id']), 0)) for p in products_ps]
        self.orders, self.notes = [], {}
        carriers = r['carriers'].by_id
        details = {}
        for d in r['order_details'].rows:
            details.setdefault(int(d['id_order']), []).append(d)
        history = {}
        for h in r['order_histories'].rows:
            history.setdefault(int(h['id_order']), []).append(h)
        addresses = {c['id']: self._address(i, c) for i, c in enumerate(customers_ps)}
        for o in r['orders'].rows:
            self.orders.append(self._order(o, details[o['id']], history[o['id']],
                                           carriers[int(o['id_carrier'])], addresses,
                                           order_number))
        self.orders.sort(key=lambda o: o['id'])

    @staticmethod
    def _country(email):
        tld = email.rsplit('.', 1)[-1].lower()
        return COUNTRIES.get(tld, 'FR')

    def _address(self, i, c):
        country = self._country(c['email'])
        a1, a2, city, postcode = FOREIGN.get(country, ADDRESSES[i % len(ADDRESSES)])
        return {'company': '', 'address_1': a1, 'address_2': a2, 'city': city,
                'state': '', 'postcode': postcode, 'country': country}

    def _customer(self, uid, i, c, paying):
        addr = self._address(i, c)
        billing = {'first_name': c['firstname'], 'last_name': c['lastname']}
        billing.update(addr)
        billing.update({'email': c['email'], 'phone': ''})
        shipping = {'first_name': c['firstname'], 'last_name': c['lastname']}
        shipping.update(addr)
        shipping['phone'] = ''
        digest = hashlib.md5(c['email'].strip().lower().encode()).hexdigest()
        return {'id': uid, 'date_created': iso(c['date_add']),
                'date_created_gmt': iso_gmt(c['date_add']),
                'date_modified': iso(c['date_upd']), 'date_modified_gmt': iso_gmt(c['date_upd']),
                'email': c['email'], 'first_name': c['firstname'],
                'last_name': c['lastname'], 'role': 'customer',
                'username': c['email'].split('@')[0], 'billing': billing,
                'shipping': shipping, 'is_paying_customer': paying,
                'avatar_url': 'https://secure.gravatar.com/avatar/%s?s=96&d=mm&r=g' % digest,
                'meta_data': []}

    def _product(self, p, sold):
        name = p['name'][1]
        price = money(Decimal(p['price']) * ps.VAT)
        stock = int(p['quantity'])
        slug = p['link_rewrite'][1]
        return {'id': p['id'], 'name': name, 'slug': slug,
                'permalink': 'https://%s/produit/%s/' % (self.domain, slug),
                'date_created': iso(p['date_add']), 'date_created_gmt': iso_gmt(p['date_add']),
                'date_modified': iso(p['date_upd']), 'date_modified_gmt': iso_gmt(p['date_upd']),
                'type': 'simple', 'status': 'publish', 'featured': False,
                'catalog_visibility': 'visible', 'description': '', 'short_description': '',
                'sku': p['reference'], 'price': price, 'regular_price': price,
                'sale_price': '', 'date_on_sale_from': None, 'date_on_sale_from_gmt': None,
                'date_on_sale_to': None, 'date_on_sale_to_gmt': None, 'on_sale': False,
                'purchasable': True, 'total_sales': sold, 'virtual': False,
                'downloadable': False, 'downloads': [], 'download_limit': -1,
                'download_expiry': -1, 'external_url': '', 'button_text': '',
                'tax_status': 'taxable', 'tax_class': '', 'manage_stock': True,
                'stock_quantity': stock, 'backorders': 'no', 'backorders_allowed': False,
                'backordered': False, 'low_stock_amount': None, 'sold_individually': False,
                'weight': '', 'dimensions': {'length': '', 'width': '', 'height': ''},
                'shipping_required': True, 'shipping_taxable': True, 'shipping_class': '',
                'shipping_class_id': 0, 'reviews_allowed': True, 'average_rating': '0',
                'rating_count': 0, 'upsell_ids': [], 'cross_sell_ids': [], 'parent_id': 0,
                'purchase_note': '',
                'categories': [{'id': 15, 'name': 'Non classé', 'slug': 'non-classe'}],
                'tags': [], 'images': [], 'attributes': [], 'default_attributes': [],
                'variations': [], 'grouped_products': [], 'menu_order': 0,
                'price_html': '<span class="woocommerce-Price-amount amount"><bdi>%s'
                              '&nbsp;<span class="woocommerce-Price-currencySymbol">'
                              '&euro;</span></bdi></span>' % price.replace('.', ','),
                'related_ids': [], 'meta_data': [],
                'stock_status': 'instock' if stock > 0 else 'outofstock',
                'has_options': False, 'post_password': '', 'global_unique_id': p['ean13']}

    def _order(self, o, lines, history, carrier, addresses, order_number):
        oid = o['id']
        key = 'wc_order_' + hashlib.sha1(('%d' % oid).encode()).hexdigest()[:13]
        uid = self.customer_by_ps.get(int(o['id_customer']), 0)
        cust = next((c for c in self.customers if c['id'] == uid), None)
        addr = addresses.get(int(o['id_customer']), dict(
            company='', address_1='', address_2='', city='', state='', postcode='', country='FR'))
        names = {'first_name': cust['first_name'] if cust else '',
                 'last_name': cust['last_name'] if cust else ''}
        billing = dict(names, **addr, email=cust['email'] if cust else '', phone='')
        shipping = dict(names, **addr, phone='')
        # The status timeline: PrestaShop's history, mapped and collapsed.
        timeline = []
        for h in history:
            status = WC_STATUS[int(h['id_order_state'])]
            if not timeline or timeline[-1][0] != status:
                timeline.append((status, h['date_add']))
        status = timeline[-1][0]
        paid = next((d for s, d in timeline if s in ('processing', 'completed')), None)
        completed = next((d for s, d in timeline if s == 'completed'), None)
        if status in ('cancelled', 'failed', 'on-hold', 'pending'):
            completed = None
        if status == 'refunded':
            paid = paid or o['date_add']
        method, title = PAYMENT.get(o['module'], ('stripe', 'Carte bancaire'))
        item_id = (oid - 1000) * 10
        line_items, cart_tax = [], Decimal(0)
        for d in lines:
            item_id += 1
            total_excl = Decimal(d['total_price_tax_excl'])
            tax = Decimal(d['total_price_tax_incl']) - total_excl
            cart_tax += tax
            qty = int(d['product_quantity'])
            line_items.append({
                'id': item_id, 'name': d['product_name'], 'product_id': int(d['product_id']),
                'variation_id': 0, 'quantity': qty, 'tax_class': '',
                'subtotal': money(total_excl), 'subtotal_tax': money(tax),
                'total': money(total_excl), 'total_tax': money(tax),
                'taxes': [{'id': 1, 'total': money(tax, 6), 'subtotal': money(tax, 6)}],
                'meta_data': [], 'sku': d['product_reference'] or '',
                'price': float(total_excl / qty), 'image': {'id': '', 'src': ''},
                'parent_name': None})
        ship_excl = Decimal(o['total_shipping_tax_excl'])
        ship_tax = Decimal(o['total_shipping_tax_incl']) - ship_excl
        items = ', '.join('%s &times; %d' % (li['name'], li['quantity']) for li in line_items)
        free = ship_excl == 0
        shipping_lines = [{
            'id': item_id + 1, 'method_title': carrier['name'],
            'method_id': 'free_shipping' if free else 'flat_rate',
            'instance_id': str(int(o['id_carrier'])), 'total': money(ship_excl),
            'total_tax': money(ship_tax),
            'taxes': [] if free else [{'id': 1, 'total': money(ship_tax, 6), 'subtotal': ''}],
            'meta_data': [{'id': item_id * 10 + 1, 'key': 'Articles', 'value': items,
                           'display_key': 'Articles', 'display_value': items}]}]
        tax_lines = [{'id': item_id + 2, 'rate_code': 'FR-TVA-1', 'rate_id': 1,
                      'label': 'TVA', 'compound': False, 'tax_total': money(cart_tax),
                      'shipping_tax_total': money(ship_tax), 'rate_percent': 20,
                      'meta_data': []}]
        meta = [{'id': oid * 10 + 1, 'key': 'is_vat_exempt', 'value': 'no'}]
        tracking = o['shipping_number']
        if tracking:
            shipped = next((h['date_add'] for h in history if h['id_order_state'] == '4'),
                           o['date_upd'])
            shipped_utc = ps.dt(shipped) - datetime.timedelta(hours=paris_offset(ps.dt(shipped)))
            stamp = int(shipped_utc.replace(tzinfo=datetime.timezone.utc).timestamp())
            provider = PROVIDERS.get(carrier['name'].lower())
            meta.append({'id': oid * 10 + 2, 'key': '_wc_shipment_tracking_items', 'value': [{
                'tracking_provider': provider or '',
                'custom_tracking_provider': '' if provider else carrier['name'],
                'custom_tracking_link': '' if provider else carrier['url'].replace('@', tracking),
                'tracking_number': tracking, 'date_shipped': str(stamp),
                'tracking_id': hashlib.md5(tracking.encode()).hexdigest()}]})
        number = str(oid)
        if order_number == 'reference':
            # As a custom order number plugin does: the reference becomes
            # the number, kept in the order's meta; search ignores it.
            number = o['reference']
            meta.append({'id': oid * 10 + 3, 'key': '_order_number', 'value': o['reference']})
        refunds = []
        if status == 'refunded':
            refunds = [{'id': oid + 5000, 'reason': '', 'total': '-' + money(o['total_paid'])}]
        total = Decimal(o['total_paid'])
        notes = []
        for n, (s, d) in enumerate(timeline):
            before = 'pending' if n == 0 else timeline[n - 1][0]
            text = 'Order status changed from %s to %s.' % (STATUS_LABELS[before],
                                                            STATUS_LABELS[s])
            notes.append({'id': oid * 100 + n + 1, 'author': 'system',
                          'date_created': iso(d), 'date_created_gmt': iso_gmt(d),
                          'note': text, 'customer_note': False})
        self.notes[oid] = list(reversed(notes))
        order = {
            'id': oid, 'parent_id': 0, 'status': status, 'currency': 'EUR',
            'version': WC_VERSION, 'prices_include_tax': True,
            'date_created': iso(o['date_add']), 'date_modified': iso(o['date_upd']),
            'discount_total': money(o['total_discounts_tax_excl']),
            'discount_tax': money(Decimal(o['total_discounts_tax_incl']) -
                                  Decimal(o['total_discounts_tax_excl'])),
            'shipping_total': money(ship_excl), 'shipping_tax': money(ship_tax),
            'cart_tax': money(cart_tax), 'total': money(total),
            'total_tax': money(cart_tax + ship_tax), 'customer_id': uid, 'order_key': key,
            'billing': billing, 'shipping': shipping, 'payment_method': method,
            'payment_method_title': title,
            'transaction_id': ('pi_' + hashlib.sha1(key.encode()).hexdigest()[:24])
            if method == 'stripe' and paid else '',
            'customer_ip_address': '192.0.2.%d' % (oid % 200 + 10),
            'customer_user_agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) '
                                   'Gecko/20100101 Firefox/128.0',
            'created_via': 'checkout', 'customer_note': '',
            'date_completed': iso(completed), 'date_paid': iso(paid), 'cart_hash': '',
            'number': number, 'meta_data': meta, 'line_items': line_items,
            'tax_lines': tax_lines, 'shipping_lines': shipping_lines, 'fee_lines': [],
            'coupon_lines': [], 'refunds': refunds,
            'payment_url': 'https://%s/commande/order-pay/%d/?pay_for_order=true&key=%s'
                           % (self.domain, oid, key),
            'is_editable': status in ('pending', 'on-hold'),
            'needs_payment': status in ('pending', 'failed') and total > 0,
            'needs_processing': True,
            'date_created_gmt': iso_gmt(o['date_add']),
            'date_modified_gmt': iso_gmt(o['date_upd']),
            'date_completed_gmt': iso_gmt(completed), 'date_paid_gmt': iso_gmt(paid),
            'currency_symbol': '€'}
        return order


def error(status, code, message, **data):
    return status, {'code': code, 'message': message, 'data': dict(status=status, **data)}


def invalid_param(name, message):
    return error(400, 'rest_invalid_param', 'Invalid parameter(s): %s' % name,
                 params={name: message},
                 details={name: {'code': 'rest_invalid_param', 'message': message, 'data': None}})


class Api:
    def __init__(self, server, method, route, params, headers):
        self.srv, self.shop = server, server.shop
        self.method, self.route, self.params = method, route, params
        self.headers = headers
        self.extra = []
        self.base = 'http://%s/wp-json/wc/v3/' % (headers.get('host') or
                                                  '127.0.0.1:%d' % server.server_address[1])

    def _credentials(self):
        auth = self.headers.get('authorization', '')
        m = re.match(r'Basic\s+(\S+)', auth, re.I)
        if m:
            try:
                user, _, pw = base64.b64decode(m.group(1) + '=' * (-len(m.group(1)) % 4)) \
                    .decode('utf-8', 'replace').partition(':')
            except ValueError:
                user = pw = ''
            return user, pw
        key, secret = self.params.get('consumer_key'), self.params.get('consumer_secret')
        return (key if isinstance(key, str) else None,
                secret if isinstance(secret, str) else None)

    def run(self):
        routes = [
            (r'orders', self.orders), (r'orders/(\d+)', self.order),
            (r'orders/(\d+)/notes', self.notes), (r'products', self.products),
            (r'products/(\d+)', self.product), (r'customers', self.customers_),
            (r'customers/(\d+)', self.customer)]
        for pattern, fn in routes:
            m = re.fullmatch(pattern, self.route.strip('/'))
            if m:
                break
        else:
            return error(404, 'rest_no_route',
                         'No route was found matching the URL and request method.')
        if self.method not in ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'):
            return error(404, 'rest_no_route',
                         'No route was found matching the URL and request method.')
        # WC_REST_Authentication::perform_basic_authentication: an unknown
        # key is no user at all; a known key with a wrong secret is an error.
        user, secret = self._credentials()
        authed = False
        if user and secret:
            if user == self.srv.key:
                if secret != self.srv.secret:
                    return error(401, 'woocommerce_rest_authentication_error',
                                 'Consumer secret is invalid.')
                authed = True
        if authed and self.method not in ('GET', 'HEAD'):
            return error(401, 'woocommerce_rest_authentication_error',
                         'The API key provided does not have write permissions.')
        if not authed:
            single = bool(m.groups())
            if self.method in ('GET', 'HEAD'):
                msg = 'Sorry, you cannot view this resource.' if single else \
                    'Sorry, you cannot list resources.'
                return error(401, 'woocommerce_rest_cannot_view', msg)
            return error(401, 'woocommerce_rest_cannot_create',
                         'Sorry, you are not allowed to create resources.')
        return fn(*[int(g) for g in m.groups()])

    # -- collection helpers ---------------------------------------------

    def _int_param(self, name, default, lo=None, hi=None):
        v = self.params.get(name)
        if v is None:
            return default, None
        if not isinstance(v, str) or not re.fullmatch(r'\s*-?\d+\s*', v):
            return None, invalid_param(name, '%s is not of type integer.' % name)
        n = int(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            return None, invalid_param(
                name, '%s must be between %d (inclusive) and %d (inclusive)' % (name, lo, hi)
                if hi is not None else '%s must be greater than or equal to %d' % (name, lo))
        return n, None

    def _list(self, items, path):
        per_page, err = self._int_param('per_page', 10, 1, 100)
        if err:
            return err
        page, err = self._int_param('page', 1, 1)
        if err:
            return err
        total = len(items)
        pages = (total + per_page - 1) // per_page
        self.extra += [('X-WP-Total', str(total)), ('X-WP-TotalPages', str(pages))]
        links = []
        query = {k: v for k, v in self.params.items() if isinstance(v, str)
                 and k not in ('consumer_key', 'consumer_secret')}

        def link(n, rel):
            q = dict(query, page=str(n))
            return '<%s%s?%s>; rel="%s"' % (self.base, path, urllib.parse.urlencode(q), rel)
        if page > 1:
            links.append(link(page - 1, 'prev'))
        if page < pages:
            links.append(link(page + 1, 'next'))
        if links:
            self.extra.append(('Link', ', '.join(links)))
        return 200, items[(page - 1) * per_page:page * per_page]

    def _ordered(self, items, default_orderby, allowed, key):
        orderby = self.params.get('orderby', default_orderby)
        order = self.params.get('order', 'desc' if default_orderby in ('date', 'id') else 'asc')
        if orderby not in allowed:
            return None, invalid_param('orderby', 'orderby is not one of %s.' % ', '.join(allowed))
        if order not in ('asc', 'desc'):
            return None, invalid_param('order', 'order is not one of asc and desc.')
        return sorted(items, key=lambda x: key(x, orderby), reverse=order == 'desc'), None

    def _links(self, path, obj_id, customer=None):
        links = {'self': [{'href': '%s%s/%d' % (self.base, path, obj_id)}],
                 'collection': [{'href': '%s%s' % (self.base, path)}]}
        if customer:
            links['customer'] = [{'href': '%scustomers/%d' % (self.base, customer)}]
        return links

    def _with_links(self, path, obj):
        out = dict(obj)
        out['_links'] = self._links(path, obj['id'], obj.get('customer_id'))
        return out

    # -- orders -----------------------------------------------------------

    def orders(self):
        items = list(self.shop.orders)
        p = self.params
        status = p.get('status', 'any')
        statuses = list(status.values()) if isinstance(status, dict) else status.split(',')
        for s in statuses:
            if s not in ['any', 'trash'] + STATUSES:
                return invalid_param('status', 'status[0] is not one of any, trash, %s.'
                                     % ', '.join(STATUSES))
        if 'any' not in statuses:
            items = [o for o in items if o['status'] in statuses]
        if 'customer' in p:
            cid, err = self._int_param('customer', 0)
            if err:
                return err
            items = [o for o in items if o['customer_id'] == cid]
        if 'include' in p:
            ids = {int(x) for x in re.findall(r'\d+', str(p['include']))}
            items = [o for o in items if o['id'] in ids]
        for name, cmp in (('after', lambda a, b: a > b), ('before', lambda a, b: a < b)):
            if name in p:
                d = _parse_iso(p[name])
                if d is None:
                    return invalid_param(name, 'Invalid date.')
                items = [o for o in items if cmp(o['date_created'], d)]
        if p.get('search'):
            items = [o for o in items if _order_matches(o, p['search'])]
        items, err = self._ordered(items, 'date', ['date', 'id', 'include', 'title', 'slug',
                                                   'modified'],
                                   lambda o, by: (o['date_modified'] if by == 'modified'
                                                  else o['id'] if by in ('id', 'include')
                                                  else o['date_created'], o['id']))
        if err:
            return err
        status, page = self._list(items, 'orders')
        if status != 200:
            return status, page
        return 200, [self._with_links('orders', o) for o in page]

    def order(self, oid):
        o = next((o for o in self.shop.orders if o['id'] == oid), None)
        if o is None:
            return error(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.')
        return 200, self._with_links('orders', o)

    def notes(self, oid):
        if oid not in self.shop.notes:
            return error(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.')
        out = []
        for n in self.shop.notes[oid]:
            n = dict(n)
            n['_links'] = {'self': [{'href': '%sorders/%d/notes/%d' % (self.base, oid, n['id'])}],
                           'collection': [{'href': '%sorders/%d/notes' % (self.base, oid)}],
                           'up': [{'href': '%sorders/%d' % (self.base, oid)}]}
            out.append(n)
        return 200, out

    # -- products and customers --------------------------------------------

    def products(self):
        items = list(self.shop.products)
        p = self.params
        if p.get('sku'):
            skus = {s.strip() for s in p['sku'].split(',')}
            items = [x for x in items if x['sku'] in skus]
        if p.get('search'):
            term = p['search'].lower()
            items = [x for x in items if term in x['name'].lower() or term in x['sku'].lower()]
        if p.get('stock_status'):
            items = [x for x in items if x['stock_status'] == p['stock_status']]
        items, err = self._ordered(items, 'date', ['date', 'id', 'include', 'title', 'slug',
                                                   'modified', 'price', 'popularity', 'rating'],
                                   lambda x, by: (x['name'] if by == 'title'
                                                  else x['id'] if by in ('id', 'include')
                                                  else x['date_created'], x['id']))
        if err:
            return err
        status, page = self._list(items, 'products')
        if status != 200:
            return status, page
        return 200, [self._with_links('products', x) for x in page]

    def product(self, pid):
        x = next((x for x in self.shop.products if x['id'] == pid), None)
        if x is None:
            return error(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.')
        return 200, self._with_links('products', x)

    def customers_(self):
        items = list(self.shop.customers)
        p = self.params
        if 'email' in p:
            email = p['email']
            if not isinstance(email, str) or not re.fullmatch(r'[^@\s]+@[^@\s]+', email):
                return invalid_param('email', 'Invalid email address.')
            items = [c for c in items if c['email'].lower() == email.lower()]
        if p.get('search'):
            term = p['search'].lower().strip('*')
            items = [c for c in items if any(term in c[k].lower() for k in (
                'email', 'username', 'first_name', 'last_name'))]
        role = p.get('role', 'customer')
        if role not in ('all', 'customer'):
            items = []
        items, err = self._ordered(items, 'name', ['id', 'include', 'name', 'registered_date'],
                                   lambda c, by: (c['id'] if by in ('id', 'include')
                                                  else c['date_created'] if by == 'registered_date'
                                                  else c['username'], c['id']))
        if err:
            return err
        status, page = self._list(items, 'customers')
        if status != 200:
            return status, page
        return 200, [self._with_links('customers', c) for c in page]

    def customer(self, uid):
        c = next((c for c in self.shop.customers if c['id'] == uid), None)
        if c is None:
            return error(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.')
        return 200, self._with_links('customers', c)


def _parse_iso(s):
    if not isinstance(s, str):
        return None
    m = re.fullmatch(r'(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?', s)
    return '%sT%s' % (m.group(1), m.group(2)) if m else None


def _order_matches(order, term):
    # wc_order_search(): billing and shipping address indexes, billing
    # e-mail and last name, item names (LIKE %term%), and the id when the
    # term is numeric; not a plugin's order number.
    term = term.strip().lower()
    if term.isdigit() and int(term) == order['id']:
        return True
    b, s = order['billing'], order['shipping']
    haystacks = [' '.join(str(b[k]) for k in b), ' '.join(str(s[k]) for k in s),
                 b['email'], b['last_name']] + [li['name'] for li in order['line_items']]
    return any(term in h.lower() for h in haystacks)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # As in prestashop.py: no 40 ms wait for a delayed ACK per request.
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
        params = ps.php_parse_qs(query)
        route = None
        if path.startswith('/wp-json/'):
            route = path[len('/wp-json'):]
        elif path in ('/', '/index.php') and isinstance(params.get('rest_route'), str):
            route = params.pop('rest_route')
        fs = self.server.fail_status
        if fs == 503:
            body = ('<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
                    '<title>Maintenance</title></head><body><h1>Briefly unavailable for '
                    'scheduled maintenance. Check back in a minute.</h1></body></html>').encode()
            return self._send(503, [('Retry-After', '600'),
                                    ('Content-Type', 'text/html; charset=utf-8')], body)
        if fs == 500:
            return self._json(500, {
                'code': 'internal_server_error',
                'message': '<p>There has been a critical error on this website.</p><p><a '
                           'href="https://wordpress.org/documentation/article/faq-troubleshooting/">'
                           'Learn more about troubleshooting WordPress.</a></p>',
                'data': {'status': 500}, 'additional_errors': []})
        if fs is not None:
            return self._send(fs, [('Content-Type', 'text/plain')], b'')
        if route is None:
            return self._send(404, [('Content-Type', 'text/html; charset=UTF-8')],
                              b'<!DOCTYPE html><title>Page not found</title>')
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not route.startswith('/wc/v3/'):
            return self._json(*error(404, 'rest_no_route',
                                     'No route was found matching the URL and request method.'))
        api = Api(self.server, self.command, route[len('/wc/v3/'):], params, headers)
        status, body = api.run()
        self._json(status, body, api.extra)

    def _json(self, status, body, extra=()):
        data = wc_json(body).encode()
        headers = [('X-Robots-Tag', 'noindex'), ('X-Content-Type-Options', 'nosniff'),
                   ('Access-Control-Expose-Headers', 'X-WP-Total, X-WP-TotalPages, Link'),
                   ('Access-Control-Allow-Headers',
                    'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type')]
        headers += list(extra)
        headers.append(('Content-Type', 'application/json; charset=UTF-8'))
        self._send(status, headers, data)

    def _send(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write('%s: %s %s\n' % (PROG, self.client_address[0], fmt % args))


def main(argv):
    ap = argparse.ArgumentParser(
        prog=PROG, description='WooCommerce REST API v3 test server (loopback only).')
    ap.add_argument('-d', '--data', required=True, metavar='FILE', help='shop-export JSON file')
    ap.add_argument('-p', '--port', required=True, type=int, metavar='N',
                    help='TCP port on 127.0.0.1 (0: any free port)')
    ap.add_argument('-k', '--key', default=DEFAULT_KEY, help='consumer key (ck_...)')
    ap.add_argument('-s', '--secret', default=DEFAULT_SECRET, help='consumer secret (cs_...)')
    ap.add_argument('-n', '--order-number', choices=('id', 'reference'), default='id',
                    help='what "number" holds: the id (core) or the export reference '
                    '(as an order-number plugin would)')
    ap.add_argument('-D', '--delay', type=float, default=0, metavar='SECONDS',
                    help='wait this long before answering each request')
    ap.add_argument('-f', '--fail-status', type=int, metavar='CODE',
                    help='answer every request with this status (500: WordPress critical '
                    'error, 503: maintenance mode, other: empty body)')
    ap.add_argument('-v', '--verbose', action='store_true', help='log requests on stderr')
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return ps.EX_USAGE if e.code else 0
    if args.fail_status is not None and not 100 <= args.fail_status <= 599:
        sys.stderr.write('%s: --fail-status must be an HTTP status\n' % PROG)
        return ps.EX_USAGE
    try:
        shop = Shop(ps.load_export(args.data), args.order_number)
    except ps.DataError as e:
        sys.stderr.write('%s: %s\n' % (PROG, e))
        return ps.EX_DATAERR
    try:
        server = Server(('127.0.0.1', args.port), Handler)
    except OSError as e:
        sys.stderr.write('%s: cannot listen on 127.0.0.1:%d: %s\n' % (PROG, args.port, e.strerror))
        return 69
    server.shop, server.key, server.secret = shop, args.key, args.secret
    server.delay, server.fail_status, server.verbose = args.delay, args.fail_status, args.verbose

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
