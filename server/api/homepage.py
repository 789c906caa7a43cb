"""(placeholder: filled by the homepage work)"""
from flask import Blueprint

bp = Blueprint("homepage", __name__)
