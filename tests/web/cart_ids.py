"""Items of tests/web/catalogue.py the cart tests lean on, by what their stock is like."""

PLENTY = 12  # "Budget Earbuds": 100 in stock, $9.99
HEADPHONES = 1  # 40 in stock, $199.99
THREE_LEFT = 2  # "Wireless Noise Cancelling Headphones": 3 in stock, $249.99
SOLD_OUT = 4  # 0 in stock
