// The exchange, as its traders and its operator live it: the public market
// and an instrument's live page; a seller and a buyer in two browsers whose
// crossing orders trade, each screen learning of it from the stream; an
// order refused beside its field; the operator's cash desk; and an auction
// opened, bid on under seal, and cleared at one price; the registry's
// explorer showing the trade and the auction's sales under the batch, the
// serials they moved and the buyer's account. Each language run
// opens its own auction and trades its own quantity, so the runs are
// independent.

import { selectByText } from './browser.mjs';

const INSTRUMENT = 'TH-RYG-0001-2025-0001';
const TICK_SATANG = 100;
const PRICE_TEXT = /\d{1,3}(,\d{3})*\.\d{2} (THB|บาท)\/tCO2e/;

const live = (page) => page.locator('[data-testid=stream-status][data-state=live]').waitFor();
const baht = (satang) => (satang / 100).toFixed(2);

async function publicSeesTheMarket(c) {
  const page = await c.as('public');
  await page.goto('/market');
  await page.getByRole('heading', { level: 1, name: c.t('market.title') }).waitFor();
  const row = page.getByTestId('instrument-table').locator('tbody tr', { hasText: INSTRUMENT });
  await row.waitFor();
  const text = await row.textContent();
  if (!PRICE_TEXT.test(text)) throw new Error(`the instrument's row reads "${text}", with no price in baht per tonne`);
  await c.expectText(page.getByTestId('fee-note'), '0.5%');
  await c.photograph(page, 'market');
  await row.getByRole('link', { name: INSTRUMENT }).click();
  await page.waitForURL(/\/market\/1$/);
  await live(page);
  const book = page.getByTestId('order-book');
  await book.locator('tr.ask').first().waitFor();
  await book.locator('tr.bid').first().waitFor();
  const bars = await book.locator('tr.ask, tr.bid').evaluateAll((rows) => rows.map((r) => r.style.getPropertyValue('--depth')));
  if (!bars.every((b) => /^\d+%$/.test(b)) || !bars.includes('100%')) throw new Error(`the depth bars read ${bars}`);
  await page.getByTestId('price-chart').locator('svg .candle').first().waitFor();
  await page.getByTestId('price-chart').getByText(c.t('chart.show_table')).click();
  await page.getByTestId('candle-table').locator('tbody tr').first().waitFor();
  const trades = await page.getByTestId('trade-row').count();
  if (trades < 2) throw new Error(`the trade list shows ${trades} trades, not the demo's two`);
  await page.getByText(c.t('market.sign_in_to_trade')).waitFor();
  await c.photograph(page, 'market-instrument');
}

async function crossingOrdersTradeOnBothScreens(c) {
  const seller = await c.as('municipality');
  const buyer = await c.as('olefins');
  for (const page of [seller, buyer]) {
    await page.goto('/market/1');
    await live(page);
    await page.getByTestId('order-form').waitFor();
    // Gone if the page reloads: the trade must arrive by the stream.
    await page.evaluate(() => {
      window.stillTheSamePage = true;
    });
  }
  // A price inside the spread the page shows, and a quantity of this run's own.
  const book = buyer.getByTestId('order-book');
  const bid = Number(await book.getAttribute('data-best-bid'));
  const ask = Number(await book.getAttribute('data-best-ask'));
  const price = Math.floor((bid + ask) / 2 / TICK_SATANG) * TICK_SATANG;
  if (!(price > bid && price < ask)) throw new Error(`no price between the best bid ${bid} and the best ask ${ask}`);
  const qty = c.lang === 'th' ? 7 : 9;
  await buyer.getByTestId('cash-available').waitFor();
  const cashBefore = await buyer.getByTestId('cash-available').locator('.figure-value').textContent();

  await seller.selectOption('#order-side', 'sell');
  await seller.fill('#order-price_satang', baht(price));
  await seller.fill('#order-qty_tco2e', String(qty));
  await c.expectText(seller.getByTestId('order-estimate'), c.t('order.you_receive'));
  await seller.getByTestId('place-order').click();
  await seller.getByTestId('order-notice').waitFor();
  await seller.getByTestId('open-orders').locator('tr', { hasText: c.t('unit.baht_per_tonne', { value: baht(price) }) }).waitFor();
  // The buyer's book learns of the new offer from the stream.
  await buyer.locator(`[data-testid=order-book] tr.ask[data-price="${price}"]`).waitFor();

  await buyer.selectOption('#order-side', 'buy');
  await buyer.fill('#order-price_satang', baht(price));
  await buyer.fill('#order-qty_tco2e', String(qty));
  await c.expectText(buyer.getByTestId('order-total'), c.t('unit.baht', { value: (qty * price / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 }) }));
  await buyer.getByTestId('place-order').click();
  await c.expectText(buyer.getByTestId('order-notice'), c.t('unit.tonnes', { value: String(qty) }));

  const trade = (page) => page.locator(`[data-testid=trade-row][data-qty="${qty}"][data-price="${price}"]`).first();
  for (const page of [buyer, seller]) {
    await trade(page).waitFor();
    if (!(await page.evaluate(() => window.stillTheSamePage === true))) throw new Error('the page reloaded to show the trade');
  }
  c.state.trade = { id: Number(await trade(buyer).getAttribute('data-trade-id')), price, qty };
  const fill = buyer.getByTestId('fills').locator('tr', { hasText: c.t('unit.baht_per_tonne', { value: baht(price) }) });
  await c.expectText(fill, c.t('unit.tonnes', { value: String(qty) }));
  await c.expectText(fill, c.t('fills.bought'));
  await buyer.waitForFunction(
    (before) => document.querySelector('[data-testid=cash-available] .figure-value')?.textContent !== before,
    cashBefore,
  );
  await c.expectText(seller.getByTestId('fills'), c.t('fills.sold'));
  await c.photograph(buyer, 'market-trade-buyer');
  await c.photograph(seller, 'market-trade-seller');
}

/// The trade just made, as the registry's explorer shows it: under its
/// batch with price, tonnes, seller, buyer and serials; in the lookup of
/// the serials it moved; on its own page with the orders that met and its
/// market; and on the buyer's account page as bought.
async function explorerShowsTheTrade(c) {
  const { id, price, qty } = c.state.trade;
  const page = await c.as('public');
  await page.goto('/batches/1');
  await page.getByRole('heading', { level: 2, name: c.t('trades.batch_title') }).waitFor();
  const row = page.getByTestId('trade-movements').locator(`tr:has([data-trade-id="${id}"])`);
  await row.waitFor();
  for (const text of [
    c.t('trade.number', { id }),
    c.t('unit.baht_per_tonne', { value: baht(price) }),
    c.t('unit.tonnes', { value: String(qty) }),
    'Rayong City Municipality',
    'Map Ta Phut Olefins',
    c.t('trade.on_market', { code: INSTRUMENT }),
  ]) {
    const found = await row.textContent();
    if (!found.includes(text)) throw new Error(`the batch's row of trade ${id} reads "${found}", without "${text}"`);
  }
  await c.photograph(page, 'batch-trades');

  // Its serials lead to the lookup, which names this trade and the buyer as holder.
  await row.locator('a[href^="/serials?serial="]').first().click();
  await page.waitForURL(/\/serials\?serial=/);
  await page.getByTestId('trade-movements').locator(`[data-trade-id="${id}"]`).waitFor();
  await c.expectText(page.locator('.data-table').first(), 'Map Ta Phut Olefins');
  await c.photograph(page, 'serial-trades');

  await page.getByTestId('trade-movements').getByRole('link', { name: c.t('trade.number', { id }) }).click();
  await page.waitForURL(new RegExp(`/trades/${id}$`));
  await page.getByRole('heading', { level: 1, name: c.t('trade.number', { id }) }).waitFor();
  await c.expectText(page.getByTestId('trade-price'), c.t('unit.baht_per_tonne', { value: baht(price) }));
  await page.getByText(c.t('trade.kind.book')).waitFor();
  await page.locator('.facts').getByText(/Rayong City Municipality \(.+\d+\)/).waitFor();
  const market = page.locator('.facts').getByRole('link', { name: c.t('trade.on_market', { code: INSTRUMENT }) });
  if ((await market.getAttribute('href')) !== '/market/1') throw new Error('the trade does not link to its market');
  await page.getByTestId('trade-serials').locator('li').first().waitFor();
  await c.photograph(page, 'trade');

  const buyer = await c.as('olefins');
  await buyer.goto('/account');
  const own = buyer.getByTestId('trade-movements').locator(`tr:has([data-trade-id="${id}"])`);
  await c.expectText(own, c.t('trade.side.bought'));
  await c.photograph(buyer, 'account-trades');
}

async function aRestingOrderIsModifiedAndCancelled(c) {
  const page = await c.as('municipality');
  await page.goto('/market/1');
  await live(page);
  const book = page.getByTestId('order-book');
  // An offer just above the best ask, one tick apart per language run.
  const ask = Number(await book.getAttribute('data-best-ask'));
  const price = ask + (c.lang === 'th' ? 1 : 3) * TICK_SATANG;
  await page.selectOption('#order-side', 'sell');
  await page.fill('#order-price_satang', baht(price));
  await page.fill('#order-qty_tco2e', '6');
  await page.getByTestId('place-order').click();
  const rowAt = (satang) =>
    page.getByTestId('open-orders').locator('tr', { hasText: c.t('unit.baht_per_tonne', { value: baht(satang) }) });
  await rowAt(price).waitFor();
  const modify = rowAt(price).locator('[data-testid^=modify-order-]');
  const id = (await modify.getAttribute('data-testid')).replace('modify-order-', '');
  await modify.click();
  const form = page.getByTestId(`modify-order-form-${id}`);
  await form.waitFor();
  // Off the tick first: refused beside the field, and nothing changes.
  await page.fill(`#modify-${id}-price_satang`, baht(price + TICK_SATANG / 2));
  await page.getByTestId(`modify-order-save-${id}`).click();
  await c.expectText(page.locator(`#modify-${id}-price_satang-error`), c.t('error.off_tick', { tick: '1.00' }));
  const moved = price + TICK_SATANG;
  await page.fill(`#modify-${id}-price_satang`, baht(moved));
  await page.fill(`#modify-${id}-qty_tco2e`, '4');
  await c.photograph(page, 'market-order-modify');
  await page.getByTestId(`modify-order-save-${id}`).click();
  await form.waitFor({ state: 'detached' });
  await c.expectText(rowAt(moved), c.t('unit.tonnes', { value: '4' }));
  if ((await rowAt(price).count()) !== 0) throw new Error(`order ${id} is still listed at its old price`);
  // The book learns of the move from the stream.
  await page.locator(`[data-testid=order-book] tr.ask[data-price="${moved}"]`).waitFor();
  await page.getByTestId(`cancel-order-${id}`).click();
  await rowAt(moved).waitFor({ state: 'detached' });
}

async function badOrdersAreRefusedBesideTheirField(c) {
  const page = await c.as('olefins');
  await page.goto('/market/1');
  await live(page);
  await page.selectOption('#order-side', 'buy');
  await page.fill('#order-price_satang', '320.50');
  await page.fill('#order-qty_tco2e', '3');
  await page.getByTestId('place-order').click();
  await c.expectText(page.locator('#order-price_satang-error'), c.t('error.off_tick', { tick: '1.00' }));
  if ((await page.inputValue('#order-price_satang')) !== '320.50') throw new Error('the price typed was lost');
  if ((await page.inputValue('#order-qty_tco2e')) !== '3') throw new Error('the quantity typed was lost');
  await c.photograph(page, 'market-order-error');
  // The server's refusal: fill-or-kill below the best ask cannot fill.
  const bid = Number(await page.getByTestId('order-book').getAttribute('data-best-bid'));
  await page.fill('#order-price_satang', baht(bid));
  await page.selectOption('#order-tif', 'fok');
  await page.getByTestId('place-order').click();
  await c.expectText(page.locator('#order-tif-error'), c.t('error.fok'));
  if ((await page.inputValue('#order-price_satang')) !== baht(bid)) throw new Error('the price typed was lost');
}

async function operatorKeepsTheCashDesk(c) {
  const page = await c.as('operator');
  await page.goto('/operator/cash');
  await page.getByRole('heading', { level: 1, name: c.t('desk.title') }).waitFor();
  await page.locator('#deposit-org_id').waitFor();
  await selectByText(page, '#deposit-org_id', 'Malee');
  await page.fill('#deposit-amount_satang', 'lots');
  await page.fill('#deposit-reference', `E2E-${c.lang.toUpperCase()}-0001`);
  await page.getByTestId('record-transfer').click();
  await c.expectText(page.locator('#deposit-amount_satang-error'), c.t('error.baht'));
  if ((await page.inputValue('#deposit-reference')) !== `E2E-${c.lang.toUpperCase()}-0001`) throw new Error('the reference typed was lost');
  await page.fill('#deposit-amount_satang', '1,000.50');
  await page.getByTestId('record-transfer').click();
  await c.expectText(page.getByTestId('notice'), c.t('unit.baht', { value: '1,000.50' }));
  await page.fill('#fee-fee_bps', '0.5');
  await page.getByTestId('save-fee').click();
  await c.expectText(page.getByTestId('current-fee'), '0.5%');
  // The flow's own project issued a batch: list it.
  await page.locator('#listing-batch_id').waitFor();
  await selectByText(page, '#listing-batch_id', c.names.project);
  await page.fill('#listing-tick_satang', '0.50');
  await c.photograph(page, 'cash-desk');
  await page.getByTestId('list-instrument').click();
  await page.getByTestId('listed-instruments').locator('tr', { hasText: c.t('unit.baht_per_tonne', { value: '0.50' }) }).first().waitFor();
}

async function auctionClearsAtOnePrice(c) {
  const operator = await c.as('operator');
  await operator.goto('/auctions');
  await operator.getByRole('heading', { level: 1, name: c.t('auctions.title') }).waitFor();
  await operator.getByTestId('auction-table').waitFor();
  await operator.locator('#auction-seller_org_id').waitFor();
  await operator.selectOption('#auction-instrument_id', '1');
  await selectByText(operator, '#auction-seller_org_id', 'Rayong City Municipality');
  await operator.fill('#auction-supply_tco2e', '20');
  await operator.fill('#auction-reserve_satang', '300');
  await c.photograph(operator, 'auctions');
  await operator.getByTestId('open-auction').click();
  await operator.waitForURL(/\/auctions\/\d+$/);
  const path = new URL(operator.url()).pathname;
  await c.expectText(operator.getByTestId('auction-status'), c.t('auction.status.open'));
  await operator.getByTestId('countdown').waitFor();

  const bid = async (who, price, qty) => {
    const page = await c.as(who);
    await page.goto(path);
    await page.getByTestId('bid-form').waitFor();
    await page.fill('#bid-price_satang', price);
    await page.fill('#bid-qty_tco2e', qty);
    await page.getByTestId('place-bid').click();
    await page.getByTestId('notice').waitFor();
    return page;
  };
  await bid('refinery', '310', '15');
  const plastics = await bid('plastics', '305', '10');
  // Sealed: the plastics company sees its own bid and no other.
  await c.expectText(plastics.getByTestId('bid-count'), '2');
  const own = plastics.getByTestId('own-bids').locator('tbody tr');
  await own.first().waitFor();
  if ((await own.count()) !== 1) throw new Error(`a bidder sees ${await own.count()} bids, not only its own`);
  if (await plastics.getByTestId('own-bids').getByText('Rayong Aromatics Refinery').count()) throw new Error("a bidder sees another's bid");
  await c.photograph(plastics, 'auction-bid');

  await operator.reload();
  await operator.getByTestId('own-bids').locator('tbody tr').nth(1).waitFor();
  await operator.getByTestId('close-auction').click();
  // 20 t: 15 at 310 and 10 at 305 sell the most at 305; the later bid gets the last 5.
  await c.expectText(operator.getByTestId('clearing-price'), c.t('unit.baht_per_tonne', { value: '305.00' }));
  await c.expectText(operator.getByTestId('sold'), c.t('unit.tonnes', { value: '20' }));
  await c.expectText(operator.getByTestId('auction-status'), c.t('auction.status.cleared'));
  await c.photograph(operator, 'auction-cleared');

  await plastics.reload();
  const allocations = plastics.getByTestId('allocations').locator('tbody tr');
  await allocations.nth(1).waitFor();
  const allocated = (bidder) => allocations.filter({ hasText: bidder }).locator(`td[data-label="${c.t('auction.allocated')}"]`);
  for (const [bidder, tonnes] of [['Eastern Plastics', '5'], ['Rayong Aromatics Refinery', '15']]) {
    const text = (await allocated(bidder).textContent()).trim();
    if (text !== c.t('unit.tonnes', { value: tonnes })) throw new Error(`${bidder} was allocated "${text}", not ${tonnes} t`);
  }

  // The explorer reads the allocations as auction sales at the clearing price.
  await plastics.goto('/batches/1');
  const sales = plastics.getByTestId('trade-movements').locator('tbody tr', { hasText: 'Eastern Plastics' });
  await c.expectText(sales, c.t('trade.auction_number', { id: '' }).trim());
  await c.expectText(sales, c.t('unit.baht_per_tonne', { value: '305.00' }));
}

export const MARKET_STEPS = [
  ['the public sees the market and an instrument with its book, chart and trades, live', publicSeesTheMarket],
  ["crossing orders from two users trade, and both screens show it from the stream", crossingOrdersTradeOnBothScreens],
  ["the registry's explorer shows the trade under its batch, its serials and the buyer's account, with its price and link", explorerShowsTheTrade],
  ['a resting order is modified (refused off the tick first), moves in the book, and is cancelled', aRestingOrderIsModifiedAndCancelled],
  ['a bad order is refused beside its field and keeps what was typed', badOrdersAreRefusedBesideTheirField],
  ["the operator's cash desk records a deposit, sets the fee and lists the project's batch", operatorKeepsTheCashDesk],
  ['an auction is opened, bid on under seal, closed, and cleared at one price', auctionClearsAtOnePrice],
];
